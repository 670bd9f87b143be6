package io.wecomrelay.llm.consume;

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
 */
final class ConsumerSettings {

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
}
