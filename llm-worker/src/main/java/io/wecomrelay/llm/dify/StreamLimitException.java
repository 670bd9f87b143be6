package io.wecomrelay.llm.dify;

import java.util.Locale;

/**
 * A Dify stream sent more than the worker reads: one SSE line, or one event (its data lines joined),
 * longer than the configured bound. Thrown by {@link SseDecoder} as soon as the bound is passed, so
 * nothing beyond it is ever buffered; {@link SseEvents} turns it into a {@link DifyEvent.Oversized}.
 */
public final class StreamLimitException extends RuntimeException {

    /** Which bound was passed. */
    public enum Limit {
        /** {@code relay.worker.dify.max-line-size} */
        LINE,
        /** {@code relay.worker.dify.max-event-size} */
        EVENT;

        /** The name used in metrics and logs: {@code line}, {@code event}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Limit limit;
    private final long maxBytes;

    public StreamLimitException(Limit limit, long maxBytes) {
        super("dify stream " + limit.tag() + " longer than " + maxBytes + " bytes", null, false, false);
        this.limit = limit;
        this.maxBytes = maxBytes;
    }

    public Limit limit() {
        return limit;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
