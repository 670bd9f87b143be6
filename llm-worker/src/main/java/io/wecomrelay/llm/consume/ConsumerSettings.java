package io.wecomrelay.llm.consume;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * The Kafka consumer settings the {@link AcceptedConsumer}'s guarantees rest on: offsets are committed only by
 * the consumer, once a record is fully handled (no auto-commit); a rebalance revokes only the partitions that
 * move (the cooperative sticky assignor), so replies of the others keep running; and a group without committed
 * offsets starts at the earliest record, so no accepted message is skipped. Callers add connection and tuning
 * settings; they cannot override these.
 * <p>
 * Kafka 4's default {@code group.protocol=classic} is what runs the assignor; the newer {@code consumer} protocol
 * (KIP-848) assigns on the broker and refuses a client-side assignor, so a worker configured with it does not start.
 */
final class ConsumerSettings {

    /** {@code max.poll.interval.ms} when not configured (Kafka's default, 5 minutes). */
    private static final long KAFKA_DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    private ConsumerSettings() {
    }

    static Map<String, Object> guarantees(String groupId) {
        var settings = new HashMap<String, Object>();
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return settings;
    }

    /** {@code configured} (connection, tuning) with the {@link #guarantees} on top. */
    static Map<String, Object> withGuarantees(Map<String, ?> configured, String groupId) {
        var settings = new HashMap<String, Object>(configured);
        settings.putAll(guarantees(groupId));
        return settings;
    }

    /**
     * The hand-over of revoked partitions waits inside poll, and the shutdown's without polling: a wait longer than
     * {@code max.poll.interval.ms} would get the worker thrown out of the group in the middle of it (its partitions
     * given away, its commit refused), the very redo the wait is for. Half of the interval is left for the commit and
     * the rest of the poll.
     *
     * @throws IllegalArgumentException naming the settings when {@code revoke-drain} or {@code shutdown-grace} is more
     *                                  than half of {@code max.poll.interval.ms}
     */
    static void checkDrainFits(Map<String, ?> configured, AcceptedConsumer.Settings settings) {
        Duration pollInterval = Duration.ofMillis(maxPollIntervalMs(configured));
        Duration longest = settings.revokeDrain().compareTo(settings.shutdownGrace()) > 0 ? settings.revokeDrain()
                : settings.shutdownGrace();
        if (longest.multipliedBy(2).compareTo(pollInterval) > 0) {
            throw new IllegalArgumentException("relay.worker.consumer.revoke-drain (" + settings.revokeDrain()
                    + ") and shutdown-grace (" + settings.shutdownGrace() + ") must each be at most half of the consumer's "
                    + ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG + " (" + pollInterval + ")");
        }
    }

    private static long maxPollIntervalMs(Map<String, ?> configured) {
        Object value = configured.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        if (value == null) {
            return KAFKA_DEFAULT_MAX_POLL_INTERVAL_MS;
        }
        return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
    }
}
