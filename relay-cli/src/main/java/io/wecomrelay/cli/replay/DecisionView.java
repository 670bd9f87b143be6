package io.wecomrelay.cli.replay;

import java.time.Instant;

import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;

/**
 * The fields of a decision event the comparison reads, read with the events' own mapper (so its meta, decision and
 * reason are read and checked as the full event's are) without building the inbound message it carries: a decision
 * is compared millions of times, and its message is most of its bytes. {@code type} tells an acceptance from a
 * rejection; a record that is neither, or lacks a field its event requires here, is not a decision ({@link #read}
 * gives null).
 */
record DecisionView(@Nullable String type, @Nullable EventMeta meta, @Nullable String botId, @Nullable String streamId,
                    @Nullable String conversationKey, @Nullable RejectReason reason, @Nullable String detail,
                    @Nullable Decision decision) {

    private static final ObjectReader READER = EventSerde.mapper().readerFor(DecisionView.class);

    /** The decision in {@code value}, or null when it is not one this version reads. */
    static @Nullable Decided read(byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        try {
            DecisionView view = READER.readValue(value);
            return view == null ? null : view.decided();
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private @Nullable Decided decided() {
        if (meta == null || botId == null || streamId == null || decision == null) {
            return null;
        }
        String link = Verdict.link(streamId, meta.occurredAt().toEpochMilli(), meta.traceId());
        if (MessageAccepted.TYPE.equals(type) && conversationKey != null) {
            return new Decided(meta.occurredAt(), botId, streamId, new Verdict(link, decision.policyVersion(),
                    "accepted rule=" + decision.rule() + " policy=" + decision.policyVersion() + " conversation="
                            + conversationKey));
        }
        if (MessageRejected.TYPE.equals(type) && reason != null && detail != null) {
            return new Decided(meta.occurredAt(), botId, streamId, new Verdict(link, decision.policyVersion(), "rejected "
                    + reason + " rule=" + decision.rule() + " policy=" + decision.policyVersion() + " detail=" + detail));
        }
        return null;
    }

    /** A decision: when (its input's record time), whose, and what. */
    record Decided(Instant at, String botId, String streamId, Verdict verdict) {
    }
}
