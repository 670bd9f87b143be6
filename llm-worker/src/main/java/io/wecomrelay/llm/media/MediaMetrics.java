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

    /**
     * One attachment was not passed on.
     *
     * @param reason {@code refused}, {@code unreachable}, {@code http}, {@code decrypt}, {@code too_large},
     *               {@code budget}, {@code deadline}, {@code upload}, and for self-built apps' media {@code expired}
     *               and {@code wecom}
     */
    void failed(String botId, Attachment.Kind kind, String reason);

    /** Attachments beyond {@code media.max-attachments} of one message were ignored. */
    void ignored(String botId, int count);
}
