package io.wecomrelay.responder.tracing;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Spans and hop latencies of the responder. Each returns a {@link Scope}: the span is current (its ids in the log
 * context) until it is closed, and ends then.
 */
public final class ResponderTraces {

    /** Ends the span. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private final RelayTracing tracing;
    private final HopLatency hops;
    private final Clock clock;

    public ResponderTraces(RelayTracing tracing, HopLatency hops, Clock clock) {
        this.tracing = tracing;
        this.hops = hops;
        this.clock = clock;
    }

    /** No spans, latencies counted nowhere: for tests of the parts. */
    public static ResponderTraces noop() {
        return new ResponderTraces(RelayTracing.noop(), new HopLatency(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    /**
     * A chunk's state is in Redis ({@code foldedAt}): {@code delta_to_redis} from the chunk's making (the Dify delta
     * the worker turned into it), and the fold's span, from the record's timestamp.
     */
    public Scope folded(ConsumerRecord<String, ? extends RelayEvent> record, RelayEvent chunk, long foldedAt) {
        hops.recordMillis(HopLatency.DELTA_TO_REDIS, chunk.botId(), chunk.meta().occurredAt().toEpochMilli(), foldedAt);
        return scoped(tracing.startFrom("responder fold", Span.Kind.CONSUMER, record.headers(), chunk.meta().traceId())
                .tag("relay.bot", chunk.botId()));
    }

    /** A rejection handled (its stream finished with the rejection's text, or left alone). */
    public Scope rejected(ConsumerRecord<String, ? extends RelayEvent> record, RelayEvent rejection) {
        return scoped(tracing.startFrom("responder rejection", Span.Kind.CONSUMER, record.headers(),
                rejection.meta().traceId()).tag("relay.bot", rejection.botId()));
    }

    /**
     * A delivery attempt's outcome is known; a delivered one ends {@code finish_to_delivered}, from the time the
     * reply finished. The span (from the finish to now, so it shows the outbox's wait) continues the reply's trace id.
     *
     * @param finishedAt when the event that finished the reply was made, when known
     */
    public Scope delivered(String botId, String traceId, @Nullable Instant finishedAt, String channel, String outcome) {
        long now = clock.millis();
        if (finishedAt != null && "delivered".equals(outcome)) {
            hops.recordMillis(HopLatency.FINISH_TO_DELIVERED, botId, finishedAt.toEpochMilli(), now);
        }
        return scoped(tracing.startFrom("responder delivery", Span.Kind.PRODUCER, null, traceId, finishedAt)
                .tag("relay.bot", botId).tag("relay.channel", channel).tag("relay.outcome", outcome));
    }

    private Scope scoped(Span span) {
        var scope = tracing.inScope(span);
        return () -> {
            scope.close();
            span.end();
        };
    }
}
