package io.wecomrelay.support.tracing;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Starts the span of one hop and hands its context on. A hop's span continues the trace of what it handles: the
 * record's {@code traceparent}, else the trace id an older record or an event carries (a new span id under it, see
 * {@link TraceHeaders#seeded}), else a new trace. While a span is in scope ({@link #inScope}) every log line carries
 * its {@code traceId} and {@code spanId} (Boot's log correlation). Spans are plain Micrometer Tracing spans: not
 * sampled (no exporter) they record nothing, and cost their ids.
 */
public final class RelayTracing {

    /** The Reactor context key under which a reactive pipeline carries the traceparent of its hop's span. */
    public static final String CONTEXT_KEY = "relay.traceparent";

    private final Tracer tracer;
    private final Propagator propagator;
    private final boolean sampled;

    /** @param sampled whether a trace continued from a bare trace id is sampled (sampling probability above 0) */
    public RelayTracing(Tracer tracer, Propagator propagator, boolean sampled) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.sampled = sampled;
    }

    /** For code run without Spring (topology tests, benchmarks): spans with no ids, nothing written. */
    public static RelayTracing noop() {
        return new RelayTracing(Tracer.NOOP, Propagator.NOOP, false);
    }

    /** Starts the first span of a message's trace: a new trace id. */
    public Span startRoot(String name, Span.Kind kind) {
        return tracer.spanBuilder().setNoParent().name(name).kind(kind).start();
    }

    /**
     * Starts a span that continues the trace of a record.
     *
     * @param fallbackTraceId the trace id the record's event carries, used when its headers have neither
     *                        traceparent nor an older trace-id
     */
    public Span startFrom(String name, Span.Kind kind, Headers headers, @Nullable String fallbackTraceId) {
        String traceparent = TraceHeaders.traceparent(headers);
        if (traceparent == null) {
            String traceId = TraceHeaders.traceIdOf(headers);
            return startFrom(name, kind, null, traceId != null ? traceId : fallbackTraceId, null);
        }
        return startFrom(name, kind, traceparent, null, null);
    }

    /**
     * Starts a span under {@code traceparent}, else under {@code traceId} (when it is a W3C trace id), else a new
     * trace.
     *
     * @param startedAt when the hop began, when that was before now (e.g. a delivery span from the reply's finish)
     */
    public Span startFrom(String name, Span.Kind kind, @Nullable String traceparent, @Nullable String traceId,
                          @Nullable Instant startedAt) {
        String parent = traceparent != null && TraceHeaders.isTraceparent(traceparent) ? traceparent
                : traceId != null && TraceHeaders.isTraceId(traceId) ? TraceHeaders.seeded(traceId, sampled) : null;
        Span.Builder builder = parent == null ? tracer.spanBuilder().setNoParent()
                : propagator.extract(Map.of(TraceHeaders.TRACEPARENT, parent), Map::get);
        builder.name(name).kind(kind);
        if (startedAt != null) {
            builder.startTimestamp(startedAt.toEpochMilli(), TimeUnit.MILLISECONDS);
        }
        return builder.start();
    }

    /** The span's W3C traceparent, for a header; null for a span without ids (no tracer). */
    public @Nullable String traceparent(Span span) {
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(span.context(), carrier, Map::put);
        String traceparent = carrier.get(TraceHeaders.TRACEPARENT);
        return traceparent != null && TraceHeaders.isTraceparent(traceparent) ? traceparent : null;
    }

    /** Writes the span's traceparent into the record's headers, replacing the one it came with. */
    public void inject(Span span, Headers headers) {
        String traceparent = traceparent(span);
        if (traceparent != null) {
            TraceHeaders.put(headers, traceparent);
        }
    }

    /** Makes the span current on this thread (and its ids the log context) until closed. */
    public Tracer.SpanInScope inScope(Span span) {
        return tracer.withSpan(span);
    }

    /** The span's trace id, or {@code fallback} for a span without ids (no tracer). */
    public static String traceId(Span span, String fallback) {
        String traceId = span.context().traceId();
        return TraceHeaders.isTraceId(traceId) ? traceId : fallback;
    }
}
