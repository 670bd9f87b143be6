package io.wecomrelay.support.tracing;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts a hop's trace and span id in the log context (the MDC keys of Boot's log correlation) around a few log calls
 * made where its span is not in scope: a Reactor callback on a Netty, Lettuce, Kafka or timer thread, with the
 * traceparent the hop carries ({@link RelayTracing#CONTEXT_KEY}, or a field of the reply it logs about).
 * <p>
 * Why not Reactor's automatic context propagation: it restores the thread locals around every operator of every
 * pipeline, on every signal; this costs nothing until a line is logged, and then two substrings. When a span is in
 * scope already (its ids are in the log context), the context is left as it is.
 * <pre>{@code
 * try (var trace = TraceLog.of(traceparent)) {
 *     log.info("dify request failed taskId={}", taskId);
 * }
 * }</pre>
 */
public final class TraceLog implements AutoCloseable {

    /** Micrometer Tracing's MDC keys, which Boot's {@code logging.pattern.correlation} prints. */
    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";

    private static final TraceLog UNCHANGED = new TraceLog(false, false);
    private static final TraceLog PUT = new TraceLog(true, true);
    private static final TraceLog PUT_TRACE_ID = new TraceLog(true, false);

    private final boolean putTraceId;
    private final boolean putSpanId;

    private TraceLog(boolean putTraceId, boolean putSpanId) {
        this.putTraceId = putTraceId;
        this.putSpanId = putSpanId;
    }

    /** The ids of {@code traceparent} in the log context until closed; nothing when it is null or not W3C. */
    public static TraceLog of(@Nullable String traceparent) {
        if (traceparent == null || MDC.get(TRACE_ID) != null || !TraceHeaders.isTraceparent(traceparent)) {
            return UNCHANGED;
        }
        MDC.put(TRACE_ID, traceparent.substring(3, 35));
        MDC.put(SPAN_ID, traceparent.substring(36, 52));
        return PUT;
    }

    /**
     * The trace id alone ({@code [traceId-] } in the line), for what knows only its event's trace id: a reply in the
     * responder's outbox, whose record and span are long gone. Nothing when it is null or no W3C trace id.
     */
    public static TraceLog ofTraceId(@Nullable String traceId) {
        if (traceId == null || MDC.get(TRACE_ID) != null || !TraceHeaders.isTraceId(traceId)) {
            return UNCHANGED;
        }
        MDC.put(TRACE_ID, traceId);
        return PUT_TRACE_ID;
    }

    @Override
    public void close() {
        // only what this put there: a span id someone else set stays
        if (putTraceId) {
            MDC.remove(TRACE_ID);
        }
        if (putSpanId) {
            MDC.remove(SPAN_ID);
        }
    }
}
