package io.wecomrelay.cli.replay;

import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;

/**
 * A decision reduced to what the rules decided: outcome, rule, reason and detail, policy version and (for
 * acceptances) the conversation key; the same text for equal decisions. {@code link} ties it to its inbound record:
 * stream id, record time and trace id (a decision carries its input's time and trace, a WeCom retry has its own).
 */
record Verdict(String link, String policyVersion, String text) {

    static Verdict of(RelayEvent decision) {
        String link = link(decision.streamId(), decision.meta().occurredAt().toEpochMilli(), decision.meta().traceId());
        if (decision instanceof MessageAccepted accepted) {
            return new Verdict(link, accepted.decision().policyVersion(), "accepted rule=" + accepted.decision().rule()
                    + " policy=" + accepted.decision().policyVersion() + " conversation=" + accepted.conversationKey());
        }
        if (decision instanceof MessageRejected rejected) {
            return new Verdict(link, rejected.decision().policyVersion(), "rejected " + rejected.reason() + " rule="
                    + rejected.decision().rule() + " policy=" + rejected.decision().policyVersion() + " detail="
                    + rejected.detail());
        }
        throw new IllegalArgumentException("not a decision: " + decision.getClass().getSimpleName());
    }

    static String link(String streamId, long timestampMs, String traceId) {
        return streamId + "@" + timestampMs + "#" + traceId;
    }
}
