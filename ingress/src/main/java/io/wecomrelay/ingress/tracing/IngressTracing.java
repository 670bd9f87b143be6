package io.wecomrelay.ingress.tracing;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import reactor.util.context.Context;

/**
 * Starts a message's trace when its callback is accepted and ends ingress's span when Kafka acknowledged the
 * record: {@code relay.hop.latency{hop=callback_to_ack}}. The publisher finds the span's traceparent in the Reactor
 * context ({@link RelayTracing#CONTEXT_KEY}).
 */
public final class IngressTracing {

    private final RelayTracing tracing;
    private final HopLatency hops;
    private final Clock clock;

    public IngressTracing(RelayTracing tracing, HopLatency hops, Clock clock) {
        this.tracing = tracing;
        this.hops = hops;
        this.clock = clock;
    }

    /** No spans, latencies counted nowhere: for tests of the parts. */
    public static IngressTracing noop(Clock clock) {
        return new IngressTracing(RelayTracing.noop(), new HopLatency(new SimpleMeterRegistry()), clock);
    }

    public Span start(String botId, String msgType) {
        return tracing.startRoot("ingress callback", Span.Kind.SERVER).tag("relay.bot", botId).tag("relay.msgtype", msgType);
    }

    /** The message's trace id: the span's, else {@code fallback} (no tracer). */
    public String traceId(Span span, String fallback) {
        return RelayTracing.traceId(span, fallback);
    }

    /** What the publisher reads the traceparent from. */
    public Context context(Span span) {
        String traceparent = tracing.traceparent(span);
        return traceparent == null ? Context.empty() : Context.of(RelayTracing.CONTEXT_KEY, traceparent);
    }

    /** Kafka acknowledged (and the marker is written): the hop ends, {@code then} runs with the span's log context. */
    public void acknowledged(Span span, String botId, Instant received, Runnable then) {
        hops.recordMillis(HopLatency.CALLBACK_TO_ACK, botId, received.toEpochMilli(), clock.millis());
        try (var scope = tracing.inScope(span)) {
            then.run();
        } finally {
            span.end();
        }
    }

    /** The publish or the marker failed: the hop ends, {@code then} runs with the span's log context. */
    public void failed(Span span, Throwable error, Runnable then) {
        span.error(error);
        try (var scope = tracing.inScope(span)) {
            then.run();
        } finally {
            span.end();
        }
    }
}
