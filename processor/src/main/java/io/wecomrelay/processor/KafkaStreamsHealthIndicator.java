package io.wecomrelay.processor;

import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the Kafka Streams state in {@code /actuator/health}: UP while RUNNING or REBALANCING,
 * UNKNOWN before the app is created or started, DOWN once it is shutting down, stopped or failed
 * (after a fatal error the instance must be restarted).
 */
final class KafkaStreamsHealthIndicator implements HealthIndicator {

    private final Supplier<@Nullable KafkaStreams> streams;

    KafkaStreamsHealthIndicator(Supplier<@Nullable KafkaStreams> streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams current = streams.get();
        if (current == null) {
            return Health.unknown().withDetail("state", "NOT_CREATED").build();
        }
        KafkaStreams.State state = current.state();
        Health.Builder health = switch (state) {
            case RUNNING, REBALANCING -> Health.up();
            case CREATED -> Health.unknown();
            case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> Health.down();
        };
        return health.withDetail("state", state.name())
                .withDetail("threads", current.metadataForLocalThreads().size())
                .build();
    }
}
