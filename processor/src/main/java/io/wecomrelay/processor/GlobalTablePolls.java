package io.wecomrelay.processor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.jspecify.annotations.Nullable;

/**
 * The Streams app's Kafka clients: Kafka's own (what its default supplier creates), except that the global thread,
 * which keeps the entitlements table ({@code wecom.entitlements}), waits up to {@code global-poll-interval} in one
 * poll instead of Kafka Streams' {@code poll.ms}.
 * <p>
 * Kafka Streams gives its global thread the same {@code poll.ms} as the stream threads (10 ms here, for issue 16), so
 * an idle processor woke a hundred times a second for a table that rarely changes, entitlements on or off (about
 * 15 ms of CPU a second: BENCHMARKS.md section 10, round 9). The wait does not delay a change: the consumer's poll
 * returns as soon as a fetch brings records, and the broker answers a waiting fetch when data arrives (at the latest
 * after the consumer's {@code fetch.max.wait.ms}, 500 ms, when none does, which is also what wakes the idle thread
 * now). A changed entitlement therefore applies one fetch round trip after it is written, as before. What the wait
 * does bound is how late the global thread looks at anything else between polls: a resize of its cache (when stream
 * threads are added or removed) and a {@code clientInstanceIds} request.
 * <p>
 * The global thread checks for shutdown only between polls, and Kafka Streams asks it to stop only after the stream
 * threads are gone, without waking its consumer. So this supplier is also the app's state listener: when the app
 * starts to shut down (PENDING_SHUTDOWN, PENDING_ERROR), the global consumer's wait falls back to {@code poll.ms} and
 * a poll in progress is woken and returns nothing; the thread then stops as promptly as before. The Streams app must
 * be given this listener (Kafka Streams takes one: another one set later would replace it).
 */
final class GlobalTablePolls implements KafkaClientSupplier, KafkaStreams.StateListener {

    private final Duration idleWait;
    private volatile @Nullable GlobalTableConsumer current;

    /** @param idleWait the longest a poll of the global consumer waits while the app runs */
    GlobalTablePolls(Duration idleWait) {
        if (idleWait.isNegative() || idleWait.isZero()) {
            throw new IllegalArgumentException("idle wait must be positive: " + idleWait);
        }
        this.idleWait = idleWait;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** One per Streams app instance (Spring creates a new instance when it restarts the app). */
    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        var consumer = new GlobalTableConsumer(config, idleWait);
        current = consumer;
        return consumer;
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        if (newState == KafkaStreams.State.PENDING_SHUTDOWN || newState == KafkaStreams.State.PENDING_ERROR) {
            GlobalTableConsumer consumer = current;
            if (consumer != null) {
                consumer.shuttingDown();
            }
        }
    }

    /** The global consumer handed out last, if any (tests). */
    @Nullable Consumer<byte[], byte[]> globalConsumer() {
        return current;
    }

    /** The longest a poll of the global consumer waits while the app runs. */
    Duration idleWait() {
        return idleWait;
    }

    /**
     * The global thread's consumer: polls wait at least {@code idleWait} until the app shuts down. Only the global
     * thread calls its methods, except {@link #shuttingDown()}.
     */
    static final class GlobalTableConsumer extends KafkaConsumer<byte[], byte[]> {

        private final Duration idleWait;
        private volatile boolean shuttingDown;
        private volatile boolean polling;

        GlobalTableConsumer(Map<String, Object> config, Duration idleWait) {
            super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.idleWait = Objects.requireNonNull(idleWait, "idleWait");
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            // (polling is set before shuttingDown is read, and shuttingDown() sets its flag before it reads polling:
            // either this poll sees the flag and waits only timeout, or shuttingDown() sees the poll and wakes it)
            polling = true;
            try {
                boolean stopping = shuttingDown;
                return super.poll(stopping || timeout.compareTo(idleWait) >= 0 ? timeout : idleWait);
            } catch (WakeupException e) {
                if (shuttingDown) {
                    return ConsumerRecords.empty();
                }
                throw e;
            } finally {
                polling = false;
            }
        }

        /** From here on, polls wait only as long as Kafka Streams asks; one in progress returns now. */
        void shuttingDown() {
            shuttingDown = true;
            if (polling) {
                wakeup();
            }
        }
    }
}
