package io.wecomrelay.llm.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.Test;

class ConsumerSettingsTest {

    @Test
    void settingsAUserOverridesCannotBreakTheConsumersGuarantees() {
        Map<String, Object> configured = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092",
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300000,
                ConsumerConfig.GROUP_ID_CONFIG, "someone-elses-group",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");

        var settings = ConsumerSettings.withGuarantees(configured, "wecom-relay-llm-worker");

        assertThat(settings)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "wecom-relay-llm-worker")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName())
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        assertThat(settings).as("connection and tuning pass through")
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300000);
    }

    @Test
    void aBotsShareOfTheSlotsIsAQuarterByDefaultAndNeverMoreThanAllOfThem() {
        assertThat(settings(256, 0).maxInFlightPerBot()).isEqualTo(64);
        assertThat(settings(3, 0).maxInFlightPerBot()).isEqualTo(1);
        assertThat(settings(256, 10).maxInFlightPerBot()).isEqualTo(10);
        assertThat(settings(8, 100).maxInFlightPerBot()).isEqualTo(8);
    }

    private static AcceptedConsumer.Settings settings(int maxInFlight, int maxInFlightPerBot) {
        var any = Duration.ofSeconds(1);
        return new AcceptedConsumer.Settings(maxInFlight, maxInFlightPerBot, 100, any, any, any, any, any, 5, any);
    }

    @Test
    void aHandOverMayTakeAtMostHalfOfTheLongestTimeBetweenTwoPolls() {
        Map<String, Object> fiveMinutes = Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000");

        ConsumerSettings.checkDrainFits(fiveMinutes, drains(Duration.ofSeconds(150), Duration.ofSeconds(20)));
        ConsumerSettings.checkDrainFits(Map.of(), drains(Duration.ofSeconds(20), Duration.ofSeconds(150)));
        assertThatThrownBy(() -> ConsumerSettings.checkDrainFits(fiveMinutes,
                drains(Duration.ofSeconds(151), Duration.ofSeconds(20))))
                .hasMessageContaining("revoke-drain").hasMessageContaining("max.poll.interval.ms");
        assertThatThrownBy(() -> ConsumerSettings.checkDrainFits(
                Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 30_000), drains(Duration.ofSeconds(10), Duration.ofSeconds(20))))
                .hasMessageContaining("shutdown-grace");
    }

    private static AcceptedConsumer.Settings drains(Duration revokeDrain, Duration shutdownGrace) {
        var any = Duration.ofSeconds(1);
        return new AcceptedConsumer.Settings(8, 0, 100, any, shutdownGrace, revokeDrain, any, any, 5, any);
    }
}
