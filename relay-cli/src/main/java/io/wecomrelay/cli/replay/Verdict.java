package io.wecomrelay.cli.replay;

/**
 * A decision reduced to what the rules decided: outcome, rule, reason and detail, policy version and (for
 * acceptances) the conversation key; the same text for equal decisions. {@code link} ties it to its inbound record:
 * stream id, record time and trace id (a decision carries its input's time and trace, a WeCom retry has its own).
 */
record Verdict(String link, String policyVersion, String text) {

    static String link(String streamId, long timestampMs, String traceId) {
        return streamId + "@" + timestampMs + "#" + traceId;
    }
}
