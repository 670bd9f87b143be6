package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.responder.tracing.ResponderTraces;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRecorded;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Consumes {@code wecom.chunks} a poll at a time: the poll's chunks are folded into Redis together
 * ({@link StreamStateWriter#foldAll}, about one round trip per poll instead of one per chunk), and
 * {@link #onMessage} returns only when every fold is done, so the container commits the poll's offsets only
 * then. A last chunk carries the draft of its stream's reply record ({@link ReplyRecords}) and, for a bot that
 * delivers actively, a {@link DeliveryTicket}, so the fold that finishes its stream also keeps the record and
 * queues the delivery job in the same atomic step. The records the folds hand back are published without this
 * call waiting for the broker (a poll's next chunks are not held up by it): what is not published and marked soon
 * after is published by the sweep ({@link ReplySweep}), from the record Redis kept.
 * <p>
 * A record that cannot be folded is reported with a {@link BatchListenerFailedException}: the error handler
 * commits the records before it, retries it with back-off (a failed fold) or sends it to the dead-letter topic
 * at once (an unreadable record, another event type), and the records after it come again with the next poll.
 * So chunks behind an unreadable record are not folded in this call and each is folded once; chunks of other
 * streams behind a failed fold were folded and come again as duplicates, which change nothing.
 */
public final class ChunkMaterializer implements BatchMessageListener<String, RelayEvent> {

    private static final Logger log = LoggerFactory.getLogger(ChunkMaterializer.class);
    private static final LogAccessor headerLog = new LogAccessor(ChunkMaterializer.class);

    private final StreamStateWriter store;
    private final DeliveryQueue queue;
    private final StreamNotices notices;
    private final ReplyRecords replies;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Timer latency;
    private final Counter gaps;
    /** relay.responder.chunks by status, registered on first use: a registry lookup per chunk cost more than the count. */
    private final Map<FoldStatus, Counter> chunks = new ConcurrentHashMap<>();
    private final ResponderTraces traces;

    public ChunkMaterializer(StreamStateWriter store, DeliveryQueue queue, ReplyRecords replies, Clock clock,
                             MeterRegistry meters) {
        this(store, queue, StreamNotices.NONE, replies, clock, meters);
    }

    public ChunkMaterializer(StreamStateWriter store, DeliveryQueue queue, StreamNotices notices, ReplyRecords replies,
                             Clock clock, MeterRegistry meters) {
        this(store, queue, notices, replies, clock, meters, ResponderTraces.noop());
    }

    public ChunkMaterializer(StreamStateWriter store, DeliveryQueue queue, StreamNotices notices, ReplyRecords replies,
                             Clock clock, MeterRegistry meters, ResponderTraces traces) {
        this.traces = traces;
        this.store = store;
        this.queue = queue;
        this.notices = notices;
        this.replies = replies;
        this.clock = clock;
        this.meters = meters;
        this.latency = Timer.builder("relay.responder.chunk.latency")
                .description("From the chunk's record timestamp to its state being in Redis")
                .publishPercentileHistogram().register(meters);
        this.gaps = Counter.builder("relay.responder.chunk.gaps")
                .description("Chunks that skipped sequence numbers of their attempt (folded anyway)").register(meters);
    }

    @Override
    public void onMessage(List<ConsumerRecord<String, RelayEvent>> records) {
        List<ChunkFold> folds = new ArrayList<>(records.size());
        RuntimeException unfoldable = null;
        for (ConsumerRecord<String, RelayEvent> record : records) {
            try {
                folds.add(foldOf(record));
            } catch (RuntimeException e) {
                unfoldable = e;
                break;
            }
        }
        foldAndReport(records.subList(0, folds.size()), folds);
        if (unfoldable != null) {
            ConsumerRecord<String, RelayEvent> record = records.get(folds.size());
            throw failed(record, unfoldable);
        }
    }

    private ChunkFold foldOf(ConsumerRecord<String, RelayEvent> record) {
        if (!(record.value() instanceof ReplyChunk chunk)) {
            throw unexpected(record);
        }
        if (!chunk.last()) {
            return new ChunkFold(chunk, null, null, queue.continues(chunk));
        }
        return new ChunkFold(chunk, queue.ticketFor(record.topic(), chunk).orElse(null), replies.draft(chunk),
                queue.continues(chunk));
    }

    private RuntimeException unexpected(ConsumerRecord<String, RelayEvent> record) {
        if (record.value() != null) {
            return new UnexpectedEventException(record.topic(), record.value().getClass());
        }
        // a batch listener gets unreadable records with a null value and the reason in a header
        DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, headerLog);
        return unreadable != null ? unreadable : new UnexpectedEventException(record.topic(), Void.class);
    }

    /** Throws for the first record whose fold did not succeed, after reporting every fold that did. */
    private void foldAndReport(List<ConsumerRecord<String, RelayEvent>> records, List<ChunkFold> folds) {
        if (folds.isEmpty()) {
            return;
        }
        List<FoldOutcome> outcomes;
        try {
            outcomes = store.foldAll(folds);
        } catch (RuntimeException e) {
            throw failed(records.get(0), e);
        }
        long now = clock.millis();
        Set<ReplyRecorded> finished = new LinkedHashSet<>();
        SortedMap<Integer, Throwable> failures = new TreeMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            FoldOutcome outcome = outcomes.get(i);
            if (outcome instanceof FoldOutcome.Folded folded) {
                // a last chunk and its redelivery in one poll both hand the record back: publish it once
                if (folded.result().reply() != null) {
                    finished.add(folded.result().reply());
                }
            } else {
                failures.put(i, outcome instanceof FoldOutcome.Failed failed ? failed.cause()
                        : new IllegalStateException("not tried after an earlier fold of its conversation failed"));
            }
        }
        // first: the records are on their way while the poll is reported
        replies.recordSoon(finished);
        // one notice per stream and poll: the connector reads the full text anyway
        Map<String, ConsumerRecord<String, RelayEvent>> changed = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof FoldOutcome.Folded folded) {
                report(records.get(i), folds.get(i).chunk(), folded.result(), now);
                if (folded.result().status() == FoldStatus.APPLIED || folded.result().finishedNow()) {
                    changed.put(folds.get(i).chunk().streamId(), records.get(i));
                }
            }
        }
        changed.values().forEach(record -> notices.changed(record.value(), record.headers()));
        if (!failures.isEmpty()) {
            throw failed(records.get(failures.firstKey()), failures.get(failures.firstKey()));
        }
    }

    private void report(ConsumerRecord<String, RelayEvent> record, ReplyChunk chunk, FoldResult result, long now) {
        latency.record(Duration.ofMillis(Math.max(0, now - record.timestamp())));
        chunks.computeIfAbsent(result.status(),
                status -> meters.counter("relay.responder.chunks", "status", status.name().toLowerCase(Locale.ROOT))).increment();
        try (var trace = traces.folded(record, chunk, now)) {
            if (result.gap()) {
                gaps.increment();
                log.warn("chunk gap streamId={} attempt={} seq={} {}: folded anyway", chunk.streamId(), chunk.attempt(),
                        chunk.seq(), coordinates(record));
            }
            log.debug("folded streamId={} attempt={} seq={} status={} bytes={}", chunk.streamId(), chunk.attempt(),
                    chunk.seq(), result.status(), result.contentBytes());
            if (result.finishedNow()) {
                log.info("stream finished streamId={} botId={} attempt={} answerBytes={} truncated={} error={} queued={}",
                        chunk.streamId(), chunk.botId(), chunk.attempt(), result.contentBytes(), result.truncated(),
                        chunk.failed(), result.queued());
            }
        }
    }

    /**
     * Tells the error handler which record failed, so that it commits the ones before it. The cause's message
     * goes into the dead-letter record's exception-message header.
     */
    private static BatchListenerFailedException failed(ConsumerRecord<?, ?> record, Throwable cause) {
        return new BatchListenerFailedException("cannot fold: " + cause.getMessage(), cause, record);
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
