package io.wecomrelay.llm.media;

import io.wecomrelay.llm.input.Attachment;

/** What media handling reports, per bot. Implementations must be thread-safe and never throw. */
public interface MediaMetrics {

    /**
     * One attachment was handled.
     *
     * @param outcome {@code ok}, or the error code that ended it
     * @param bytes   its decrypted size, or 0 when it did not get that far
     */
    void media(String botId, Attachment.Kind kind, String outcome, long bytes);

    /** Reports nothing. */
    MediaMetrics NONE = (botId, kind, outcome, bytes) -> { };
}
