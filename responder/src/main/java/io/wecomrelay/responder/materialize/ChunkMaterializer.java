package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.kafka.listener.MessageListener;

/**
 * Consumes {@code wecom.chunks}: folds each chunk into Redis. The last chunk of a bot that delivers
 * actively carries a {@link DeliveryTicket}, so the fold that finishes its stream also queues the
 * delivery job in the same atomic step; the record's offset is committed only after that step.
 */
public final class ChunkMaterializer implements MessageListener<String, RelayEvent> {

    private static final Logger log = LoggerFactory.getLogger(ChunkMaterializer.class);

    private final StreamStateStore store;
    private final DeliveryQueue queue;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Timer latency;
    private final Counter gaps;

    public ChunkMaterializer(StreamStateStore store, DeliveryQueue queue, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.queue = queue;
        this.clock = clock;
        this.meters = meters;
        this.latency = Timer.builder("responder.chunk.latency")
                .description("From the chunk's record timestamp to its state being in Redis")
                .publishPercentileHistogram().register(meters);
        this.gaps = Counter.builder("responder.chunk.gaps")
                .description("Chunks that skipped sequence numbers of their attempt (folded anyway)").register(meters);
    }

    @Override
    public void onMessage(ConsumerRecord<String, RelayEvent> record) {
        if (!(record.value() instanceof ReplyChunk chunk)) {
            throw new UnexpectedEventException(record.topic(), record.value() == null ? Void.class : record.value().getClass());
        }
        try (var trace = MDC.putCloseable("traceId", chunk.meta().traceId())) {
            fold(record, chunk);
        }
    }

    private void fold(ConsumerRecord<String, RelayEvent> record, ReplyChunk chunk) {
        Optional<DeliveryTicket> ticket = chunk.last() ? queue.ticketFor(record.topic(), chunk) : Optional.empty();
        FoldResult result = ticket.map(t -> store.foldAndQueue(chunk, t)).orElseGet(() -> store.fold(chunk));
        latency.record(Duration.ofMillis(Math.max(0, clock.millis() - record.timestamp())));
        meters.counter("responder.chunks", "status", result.status().name().toLowerCase(Locale.ROOT)).increment();
        if (result.gap()) {
            gaps.increment();
            log.warn("chunk gap streamId={} attempt={} seq={} {}-{}@{}: folded anyway", chunk.streamId(), chunk.attempt(),
                    chunk.seq(), record.topic(), record.partition(), record.offset());
        }
        log.debug("folded streamId={} attempt={} seq={} status={} bytes={}", chunk.streamId(), chunk.attempt(),
                chunk.seq(), result.status(), result.contentBytes());
        if (result.finishedNow()) {
            log.info("stream finished streamId={} botId={} attempt={} bytes={} truncated={} error={} queued={}",
                    chunk.streamId(), chunk.botId(), chunk.attempt(), result.contentBytes(), result.truncated(),
                    chunk.failed(), result.queued());
        }
    }
}
