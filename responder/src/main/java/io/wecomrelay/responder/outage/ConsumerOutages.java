package io.wecomrelay.responder.outage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Which consumer threads wait out an outage now, for health and logs. A thread counts as waiting from its first
 * transient failure until its listener next succeeds, or its partitions change (it may never get the failed
 * records again). Thread-safe; each thread only ever changes its own entry.
 */
public final class ConsumerOutages {

    private static final Logger log = LoggerFactory.getLogger(ConsumerOutages.class);

    private record Waiting(Instant since, long failures, String cause) {
    }

    private final Map<Thread, Waiting> waiting = new ConcurrentHashMap<>();
    private final Clock clock;
    private final MeterRegistry meters;

    public ConsumerOutages(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.meters = meters;
    }

    /** Records a transient failure of this thread's listener; returns its failures in a row, this one included. */
    long failed(Throwable failure, String topics) {
        String cause = rootCause(failure).getClass().getSimpleName();
        meters.counter("relay.responder.listener.transient_failures", "cause", cause).increment();
        Waiting now = waiting.merge(Thread.currentThread(), new Waiting(clock.instant(), 1, cause),
                (before, next) -> new Waiting(before.since(), before.failures() + 1, cause));
        if (now.failures() == 1) {
            log.warn("consumption of {} paused: Redis or Kafka unavailable (cause={}); nothing is dead-lettered for it, "
                    + "the records are tried again until it is back", topics, cause);
        } else if (now.failures() % 10 == 0) {
            log.warn("consumption of {} still paused after {} tries since {} cause={}", topics, now.failures(), now.since(), cause);
        }
        return now.failures();
    }

    /** This thread's listener succeeded. */
    void succeeded() {
        Waiting ended = waiting.remove(Thread.currentThread());
        if (ended != null) {
            log.info("consumption resumed after {} (paused since {}, {} tries)",
                    Duration.between(ended.since(), clock.instant()), ended.since(), ended.failures());
        }
    }

    /** This thread's partitions changed: whatever it waited for may be another thread's now. */
    void reassigned() {
        waiting.remove(Thread.currentThread());
    }

    /** The outage consumption waits out now: empty while no consumer thread waits. */
    public Optional<Outage> current() {
        return waiting.values().stream().min(Comparator.comparing(Waiting::since))
                .map(oldest -> new Outage(waiting.size(), oldest.since(), oldest.cause()));
    }

    /**
     * @param waitingConsumers the consumer threads waiting now
     * @param since            when the oldest of their waits began
     * @param cause            the type of the oldest wait's latest failure's root cause
     */
    public record Outage(int waitingConsumers, Instant since, String cause) {
    }

    /** Ends a wait when a batch listener succeeds. */
    public <K, V> BatchInterceptor<K, V> batchInterceptor() {
        return new SuccessHook<>();
    }

    /** Ends a wait when a record listener succeeds. */
    public <K, V> RecordInterceptor<K, V> recordInterceptor() {
        return new SuccessHook<>();
    }

    /** Ends a wait when the thread's partitions change. */
    public ConsumerAwareRebalanceListener rebalanceListener() {
        return new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                reassigned();
            }
        };
    }

    /** Passes records through unchanged and reports the listener's successes. */
    private final class SuccessHook<K, V> implements BatchInterceptor<K, V>, RecordInterceptor<K, V> {
        @Override
        public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
            return records;
        }

        @Override
        public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
            return record;
        }

        @Override
        public void success(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
            succeeded();
        }

        @Override
        public void success(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
            succeeded();
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause.getCause() != null && cause.getCause() != cause && depth < 16; depth++) {
            cause = cause.getCause();
        }
        return cause;
    }
}
