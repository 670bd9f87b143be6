package io.wecomrelay.llm.consume;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.wecomrelay.llm.publish.ReplyRefusedException;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.outage.TransientFailures;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.support.tracing.TraceLog;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Consumes {@code wecom.accepted} with key-ordered concurrency: many replies at once per worker, one
 * at a time per conversation key, no head-of-line blocking inside a partition, and offsets committed
 * only when a reply is fully handled.
 *
 * <h2>Why not a {@code @KafkaListener}</h2>
 * spring-kafka's asynchronous acknowledgements ({@code asyncAcks} with out-of-order manual acks)
 * defer commits until gaps are filled, but the container also <em>pauses the consumer until every
 * record of the previous poll is acknowledged</em>. A reply can take minutes, so one slow
 * conversation would stop every other conversation of that consumer from being fetched. Several
 * async-ack rebalance bugs (consumers paused for good, e.g. spring-kafka #4342, #4687) were still
 * being fixed after 4.1.1. Confluent's Parallel Consumer does exactly this job but does not support
 * Kafka 4 clients and is no longer maintained by Confluent. So this class is the small version of it:
 *
 * <ul>
 * <li>One thread owns a plain {@link Consumer}: it polls, hands records to a {@link KeyedScheduler},
 *     applies completions, commits and pauses. Nothing else touches the consumer.</li>
 * <li>The scheduler runs replies as non-blocking Monos (a reply holds a Dify connection, not a
 *     thread), at most {@code maxInFlight} at once, per conversation key strictly in offset order.</li>
 * <li>Each bot gets at most {@code maxInFlightPerBot} of those slots, so a bot whose Dify app is slow
 *     cannot hold all of them; its further records wait in memory (counted per bot as deferrals)
 *     while other bots' records on the same partitions go ahead. Nothing is paused for it until the
 *     whole backlog reaches {@code maxBuffered}.</li>
 * <li>The {@link OffsetTracker} commits each partition up to its lowest unfinished offset; records
 *     finished behind a slow one are redelivered after a crash and skipped by the stream ledger.</li>
 * <li>Above {@code maxBuffered} unfinished records all partitions are paused (polling goes on, so
 *     the group membership stays alive); below three quarters of it they resume.</li>
 * <li>Rebalances use the cooperative sticky assignor ({@link ConsumerSettings}, with auto-commit off and a new
 *     group starting at the earliest record; connection settings cannot override them): only moved partitions are
 *     revoked. A worker joining or leaving the group must not cost a second Dify call, so the {@link Handover} lets
 *     the revoked partitions' running replies finish (at most {@code revokeDrain}) inside the revocation callback,
 *     and their offsets are committed before the partitions move. Replies still running then are abandoned (the
 *     Dify task is stopped) and the new owner redoes them with attempt + 1, the way it does after a crash; so are
 *     the replies of partitions lost without a revocation (this worker was thrown out of the group).
 *     Shutdown does the same for all its partitions (at most {@code shutdownGrace}), then leaves the group.</li>
 * <li>Records that cannot be deserialized go to {@code <topic>.dlt} ({@link AcceptedDeadLetters}).</li>
 * <li>A reply that fails is redone after a capped exponential backoff, with the next attempt number.
 *     A failure of the infrastructure ({@link TransientFailures}: Redis or Kafka unreachable, slow,
 *     restarting) is redone for as long as it lasts: it says nothing about the record. Its redo also
 *     waits until the {@link InfrastructureProbe} finds Redis and Kafka answering again: a redo asks
 *     Dify for the whole answer again (paid per call), and one started while the outage lasts would
 *     only fail the same way, so an outage costs a reply at most one more Dify call. Any other
 *     failure would repeat the same way: after {@code maxAttempts} tries the record is dead-lettered
 *     with its cause, and so is at once one that Kafka refuses for good ({@link ReplyRefusedException});
 *     its offset is committed once the dead letter is written, so it no longer holds up its
 *     conversation and its partition's commits.</li>
 * <li>Finished offsets are committed at most every {@code commitInterval} (each commit is a request the group
 *     coordinator answers); the commits that protect a guarantee are made at once: a hand-over's and the
 *     shutdown's, before their partitions go, and the one after a dead letter, which is not sent twice. Until its
 *     commit a finished reply is redelivered after a crash and skipped by the stream ledger without a Dify call.</li>
 * <li>An offset counts as committed only once Kafka confirmed the commit; a failed commit is sent
 *     again with the next one.</li>
 * </ul>
 * Scaling out is adding workers: a partition is owned by one worker, so the number of partitions of
 * {@code wecom.accepted} bounds the number of useful workers, and {@code maxInFlight} bounds each.
 */
public final class AcceptedConsumer {

    private static final Logger log = LoggerFactory.getLogger(AcceptedConsumer.class);

    /**
     * @param maxInFlight       replies running at once
     * @param maxInFlightPerBot replies of one bot running at once, at most {@code maxInFlight}; 0 means a quarter of
     *                          {@code maxInFlight}, at least 1
     * @param maxBuffered       unfinished records above which consumption pauses
     * @param pollTimeout       longest poll
     * @param shutdownGrace     how long running replies may finish on shutdown
     * @param revokeDrain       how long running replies of revoked partitions may finish before the partitions go
     * @param failureBackoff    first wait before a failed reply is redone
     * @param maxFailureBackoff longest such wait
     * @param maxAttempts       tries of a record whose failures are not the infrastructure's, before it is
     *                          dead-lettered
     * @param commitInterval    finished offsets are committed at most this often; 0 after every poll loop that
     *                          finished one. Hand-overs, shutdown and dead letters commit at once
     */
    public record Settings(int maxInFlight, int maxInFlightPerBot, int maxBuffered, Duration pollTimeout,
                           Duration shutdownGrace, Duration revokeDrain, Duration failureBackoff,
                           Duration maxFailureBackoff, int maxAttempts, Duration commitInterval) {
        public Settings {
            maxInFlightPerBot = maxInFlightPerBot > 0 ? Math.min(maxInFlightPerBot, maxInFlight)
                    : Math.max(1, maxInFlight / 4);
        }
    }

    /** What the consumer reports, per bot. Implementations must be thread-safe and never throw. */
    public interface Metrics {
        /** A record of {@code botId} had to wait because the bot was at its share of the slots. */
        void deferred(String botId);

        /** A failed reply of {@code botId} is to be redone; {@code infrastructure}: Redis or Kafka failed, not the record. */
        void redone(String botId, boolean infrastructure);

        /**
         * A reply of {@code botId} was running when its partition was given up (revoked, or shutdown: Spring's
         * registry may be closed by then);
         * {@code outcome}: {@code drained} (finished here, committed), {@code failed} or {@code timed_out} (left to
         * the partition's next owner, which redoes it).
         */
        void handedOver(String botId, String outcome);
    }

    /**
     * Whether the infrastructure every reply needs, Redis and Kafka, answers now. The Mono completes when both
     * answer and fails when one does not, within a bound of its own.
     */
    @FunctionalInterface
    public interface InfrastructureProbe {
        Mono<Void> answers();
    }

    /** Handles one record completely; the Mono fails when the reply is to be redone or given up. */
    @FunctionalInterface
    public interface Handler {
        Mono<Void> handle(MessageAccepted message, String traceId);
    }

    private final Supplier<Consumer<String, MessageAccepted>> consumers;
    private final String topic;
    private final Handler handler;
    private final AcceptedDeadLetters deadLetters;
    private final Settings settings;
    private final Metrics metrics;
    private final InfrastructureProbe infrastructureProbe;
    private final Clock clock;
    private final OffsetTracker tracker = new OffsetTracker();
    /** Dead-lettered works not applied yet: their offsets are committed at once, so they are not dead-lettered twice. */
    private final Set<Work> deadLettered = ConcurrentHashMap.newKeySet();
    /** When the next commit of finished offsets may be sent (clock millis); consumer thread only. */
    private long nextCommitAt = Long.MIN_VALUE;
    /** A dead letter was written since the last commit; consumer thread only. */
    private boolean commitAtOnce;
    /** Replies whose last try failed for the infrastructure and that wait for the next. */
    private final AtomicInteger waitingForInfrastructure = new AtomicInteger();
    private final Queue<Work> finished = new ConcurrentLinkedQueue<>();
    private final KeyedScheduler scheduler;
    private final Handover handover;
    private volatile boolean running;
    private volatile Consumer<String, MessageAccepted> consumer;
    private Thread thread;

    /**
     * @param kafka              connection and tuning settings of the Kafka consumer; the ones this class relies on
     *                           ({@link ConsumerSettings}) are set on top of them
     * @param groupId            the consumer group of all workers
     * @param deadLetterTemplate writes String keys and byte[] values to {@code <topic>.dlt}
     * @param deadLetterScheme   the headers and the counter of every dead letter
     * @param clock              times the commit interval
     */
    public AcceptedConsumer(Map<String, ?> kafka, String groupId, String topic, Handler handler,
                            KafkaOperations<String, byte[]> deadLetterTemplate, DeadLetterScheme deadLetterScheme,
                            Settings settings, Metrics metrics, InfrastructureProbe infrastructure, Clock clock) {
        this(kafka, groupId, topic, handler, deadLetterTemplate, deadLetterScheme, settings, metrics, infrastructure,
                clock, null);
    }

    /** @param clientMetrics where the Kafka consumer's own metrics go (its lag per partition, fetch latency), if anywhere */
    public AcceptedConsumer(Map<String, ?> kafka, String groupId, String topic, Handler handler,
                            KafkaOperations<String, byte[]> deadLetterTemplate, DeadLetterScheme deadLetterScheme,
                            Settings settings, Metrics metrics, InfrastructureProbe infrastructure, Clock clock,
                            @Nullable MeterRegistry clientMetrics) {
        this(kafkaConsumers(ConsumerSettings.withGuarantees(kafka, groupId), clientMetrics), topic, handler,
                new AcceptedDeadLetters(deadLetterTemplate, deadLetterScheme), settings, metrics, infrastructure, clock);
        ConsumerSettings.checkDrainFits(kafka, settings);
    }

    AcceptedConsumer(Supplier<Consumer<String, MessageAccepted>> consumers, String topic, Handler handler,
                     AcceptedDeadLetters deadLetters, Settings settings, Metrics metrics,
                     InfrastructureProbe infrastructure, Clock clock) {
        this.consumers = consumers;
        this.clock = clock;
        this.topic = topic;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.metrics = metrics;
        this.infrastructureProbe = infrastructure;
        this.scheduler = new KeyedScheduler(settings.maxInFlight(), settings.maxInFlightPerBot(), this::task,
                finished::add, metrics::deferred);
        this.handover = new Handover(scheduler, metrics);
    }

    /** Unreadable values reach the loop as null values with the failure in a header, for the dead letters. */
    private static Supplier<Consumer<String, MessageAccepted>> kafkaConsumers(Map<String, Object> config,
                                                                             @Nullable MeterRegistry clientMetrics) {
        return () -> {
            var consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ErrorHandlingDeserializer<>(EventSerde.of(MessageAccepted.class)));
            if (clientMetrics != null) {
                // kafka_consumer_fetch_manager_records_lag{topic,partition} and the rest, as spring-kafka's consumers have
                new KafkaClientMetrics(consumer).bindTo(clientMetrics);
            }
            return consumer;
        };
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "llm-worker-consumer");
        thread.start();
    }

    /** Stops polling, lets running replies finish within the grace period, commits, closes. */
    public void stop() {
        Thread current;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            current = thread;
        }
        var active = consumer;
        if (active != null) {
            active.wakeup();
        }
        try {
            // a revocation under way finishes its drain first
            current.join(settings.shutdownGrace().plus(settings.revokeDrain()).plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Replies running now. */
    public int inFlight() {
        return scheduler.running();
    }

    /** Replies waiting out a failure of Redis or Kafka now (health DOWN while there are any). */
    public int waitingForInfrastructure() {
        return waitingForInfrastructure.get();
    }

    /** Whether {@code partition} is being given up now: its running replies may finish, nothing of it starts. */
    boolean givingUp(TopicPartition partition) {
        return handover.leaving(partition);
    }

    private void run() {
        try (var kafka = consumers.get()) {
            consumer = kafka;
            kafka.subscribe(List.of(topic), new Rebalance(kafka));
            log.info("consuming topic={} maxInFlight={} maxInFlightPerBot={}", topic, settings.maxInFlight(),
                    settings.maxInFlightPerBot());
            while (running) {
                pollOnce(kafka);
            }
            drain(kafka);
        } catch (RuntimeException e) {
            log.error("consumer stopped cause={}", e.toString(), e);
        } finally {
            consumer = null;
            running = false;
        }
    }

    private void pollOnce(Consumer<String, MessageAccepted> kafka) {
        try {
            for (ConsumerRecord<String, MessageAccepted> record : kafka.poll(settings.pollTimeout())) {
                dispatch(kafka, record);
            }
            applyFinished();
            if (commitDue()) {
                commit(kafka);
            }
            throttle(kafka);
        } catch (WakeupException e) {
            // stop() woke the poll up; the loop condition decides
        } catch (RuntimeException e) {
            log.error("consumer loop failed, going on cause={}", e.toString(), e);
            sleep(settings.pollTimeout());
        }
    }

    private void dispatch(Consumer<String, MessageAccepted> kafka, ConsumerRecord<String, MessageAccepted> record) {
        var partition = new TopicPartition(record.topic(), record.partition());
        if (!tracker.started(partition, record.offset())) {
            return;
        }
        long epoch = tracker.epoch(partition);
        MessageAccepted message = record.value();
        if (message == null) {
            deadLetters.send(record, kafka);
            tracker.finished(partition, epoch, record.offset());
            commitAtOnce = true;
            return;
        }
        scheduler.submit(new Work(partition, record.offset(), epoch, message.conversationKey(), message,
                traceId(record, message), new Arrival(TraceHeaders.traceparent(record.headers()), record.timestamp(),
                System.currentTimeMillis())));
    }

    private Mono<Void> task(Work work) {
        var tries = new Tries();
        return Mono.defer(() -> handover.leaving(work.partition()) ? Mono.<Void>error(new Handover.LeftToNextOwner(null))
                        : handler.handle(work.message(), work.traceId()))
                // off the consumer thread, and no deep recursion when a key's works complete synchronously
                .subscribeOn(Schedulers.parallel())
                .retryWhen(Retry.from(failures -> failures.concatMap(failure -> redo(work, tries, failure.failure()))))
                .onErrorResume(error -> error instanceof Handover.LeftToNextOwner ? Mono.error(error)
                        : deadLetter(work, error))
                .doFinally(signal -> tries.stopWaiting())
                .contextWrite(context -> context.put(Arrival.class, work.arrival()));
    }

    /**
     * After a failure: the wait before the next try, or the failure itself when the record is given up (dead-lettered)
     * or its partition is ({@link Handover.LeftToNextOwner}: the next owner redoes it, one redo rather than two).
     */
    private Mono<Long> redo(Work work, Tries tries, Throwable failure) {
        if (failure instanceof ReplyRefusedException || failure instanceof Handover.LeftToNextOwner) {
            return Mono.error(failure);
        }
        boolean infrastructure = infrastructure(failure);
        int failed = tries.failed(infrastructure);
        if (!infrastructure && failed >= settings.maxAttempts()) {
            try (var trace = TraceLog.of(work.arrival().traceparent())) {
                log.error("reply failed {} times, giving up {} cause={}", failed, work, failure.toString());
            }
            return Mono.error(failure);
        }
        if (handover.leaving(work.partition())) {
            return Mono.error(new Handover.LeftToNextOwner(failure));
        }
        metrics.redone(work.message().botId(), infrastructure);
        try (var trace = TraceLog.of(work.arrival().traceparent())) {
            log.warn("{}, redoing {} try={} cause={}", infrastructure ? "Redis or Kafka unavailable" : "reply failed", work,
                    failed + 1, failure.toString());
        }
        Mono<Long> wait = Mono.delay(backoff(tries.total()));
        return infrastructure ? wait.flatMap(waited -> infrastructureAnswers(work).thenReturn(waited)) : wait;
    }

    /**
     * Completes once Redis and Kafka answer again, probing with the same capped backoff; without a bound of its own:
     * a reply waiting here is given up only by its age limits when it runs again, by a rebalance or by shutdown.
     */
    private Mono<Void> infrastructureAnswers(Work work) {
        return infrastructureProbe.answers()
                .retryWhen(Retry.backoff(Long.MAX_VALUE, settings.failureBackoff())
                        .maxBackoff(settings.maxFailureBackoff())
                        .doBeforeRetry(signal -> log.debug("Redis or Kafka still unavailable, waiting {} probe={} cause={}",
                                work, signal.totalRetries() + 1, signal.failure().toString())));
    }

    /**
     * Redis or Kafka failed, not the record. Every Kafka error counts, not only those the client calls retriable:
     * the ones about a record (too large, invalid) were dealt with by the publisher, and the others (a missing ACL,
     * a topic not there) hit every reply alike until an operator fixes them, like an outage.
     */
    private static boolean infrastructure(Throwable failure) {
        return TransientFailures.isTransient(failure) || TransientFailures.anyCause(failure, KafkaException.class::isInstance);
    }

    private Duration backoff(int retries) {
        long millis = settings.failureBackoff().toMillis() << Math.min(retries - 1, 20);
        return Duration.ofMillis(Math.min(settings.maxFailureBackoff().toMillis(), millis));
    }

    /**
     * A record given up goes to the dead-letter topic with its cause, tried until written; its offset is committed
     * after that, like an answered record's.
     */
    private Mono<Void> deadLetter(Work work, Throwable cause) {
        Exception exception = cause instanceof Exception e ? e : new IllegalStateException(cause);
        return Mono.<Void>fromRunnable(() -> {
                    deadLetters.sendUnanswerable(work, exception);
                    // before the work is reported finished, so the consumer thread finds it here when it applies it
                    deadLettered.add(work);
                })
                // waits for the broker's acknowledgement
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, settings.failureBackoff())
                        .maxBackoff(settings.maxFailureBackoff())
                        .doBeforeRetry(signal -> {
                            try (var trace = TraceLog.of(work.arrival().traceparent())) {
                                log.warn("cannot dead-letter, trying again {} retry={} cause={}", work,
                                        signal.totalRetries() + 1, signal.failure().toString());
                            }
                        }));
    }

    /** The tries of one record; which failures count towards giving it up. Used by one reply at a time. */
    private final class Tries {
        private int recordFailures;
        private int total;
        private boolean waiting;

        /** Returns the failures that count: the record's own, or all in a row of the infrastructure's. */
        int failed(boolean infrastructure) {
            total++;
            if (infrastructure) {
                if (!waiting) {
                    waiting = true;
                    waitingForInfrastructure.incrementAndGet();
                }
                return total;
            }
            stopWaiting();
            return ++recordFailures;
        }

        int total() {
            return total;
        }

        void stopWaiting() {
            if (waiting) {
                waiting = false;
                waitingForInfrastructure.decrementAndGet();
            }
        }
    }

    private void applyFinished() {
        Work work;
        while ((work = finished.poll()) != null) {
            tracker.finished(work.partition(), work.epoch(), work.offset());
            if (deadLettered.remove(work)) {
                commitAtOnce = true;
            }
        }
    }

    /**
     * Whether the finished offsets are committed in this loop: every loop with a commit interval of 0, else once the
     * interval passed since the last commit (the first at once), or at once after a dead letter.
     */
    private boolean commitDue() {
        return settings.commitInterval().isZero() || commitAtOnce || clock.millis() >= nextCommitAt;
    }

    /** The callback runs on this thread, inside a later poll or commit: only then does the tracker move. */
    private void commit(Consumer<String, MessageAccepted> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        if (!offsets.isEmpty()) {
            commitAtOnce = false;
            nextCommitAt = clock.millis() + settings.commitInterval().toMillis();
            tracker.committing(offsets);
            kafka.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    tracker.commitFailed(offsets);
                    log.warn("commit failed, sent again with the next one offsets={} cause={}", offsets, error.toString());
                } else {
                    tracker.committed(offsets);
                }
            });
        }
    }

    private void commitNow(Consumer<String, MessageAccepted> kafka, Collection<TopicPartition> only) {
        applyFinished();
        var offsets = tracker.committable();
        offsets.keySet().retainAll(only);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            commitSync(kafka, offsets);
            tracker.committed(offsets);
        } catch (RuntimeException e) {
            log.warn("commit failed offsets={} cause={}", offsets, e.toString());
        }
    }

    /** A wake-up meant for the poll loop (stop() during a hand-over) must not cost the hand-over its commit. */
    private static void commitSync(Consumer<String, MessageAccepted> kafka, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            kafka.commitSync(offsets);
        } catch (WakeupException e) {
            kafka.commitSync(offsets);
        }
    }

    private void throttle(Consumer<String, MessageAccepted> kafka) {
        int buffered = scheduler.size();
        if (buffered >= settings.maxBuffered()) {
            kafka.pause(kafka.assignment());
        } else if (buffered < settings.maxBuffered() * 3 / 4 && !kafka.paused().isEmpty()) {
            kafka.resume(kafka.paused());
        }
    }

    /**
     * Shutdown, a hand-over of every partition: no new replies; running ones get the grace period, their offsets are
     * committed, the rest are abandoned (redone elsewhere). Leaving the group (closing the consumer) comes after.
     */
    private void drain(Consumer<String, MessageAccepted> kafka) {
        scheduler.close();
        handover.drain(kafka.assignment(), settings.shutdownGrace(), "shutdown");
        if (scheduler.size() > 0) {
            log.info("abandoning {} running replies at shutdown; they will be redone with the next attempt",
                    scheduler.size());
            scheduler.cancel(work -> true);
        }
        commitNow(kafka, kafka.assignment());
    }

    /** The record's trace id (its traceparent's, an older record's trace-id header), else the event's. */
    private static String traceId(ConsumerRecord<String, MessageAccepted> record, MessageAccepted message) {
        String traceId = TraceHeaders.traceIdOf(record.headers());
        return traceId != null ? traceId : message.meta().traceId();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on the consumer thread, inside poll. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<String, MessageAccepted> kafka;

        Rebalance(Consumer<String, MessageAccepted> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            tracker.assigned(partitions);
            handover.assigned(partitions);
            if (!partitions.isEmpty()) {
                log.info("assigned partitions={}", partitions);
            }
        }

        /**
         * With the cooperative protocol Kafka calls this inside poll, only for partitions that move, before they go to
         * their next owner (which waits for this worker to rejoin the group); also on close, for all partitions.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            handover.drain(partitions, settings.revokeDrain(), "revoked");
            commitNow(kafka, partitions);
            abandon(partitions);
            log.info("revoked partitions={}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            abandon(partitions);
            log.info("lost partitions={}", partitions);
        }

        private void abandon(Collection<TopicPartition> partitions) {
            var gone = new HashSet<>(partitions);
            scheduler.cancel(work -> gone.contains(work.partition()));
            tracker.removed(partitions);
        }
    }
}
