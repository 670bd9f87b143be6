package io.wecomrelay.support.kafka;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/**
 * Health component {@code kafka}: UP when the cluster answers within the timeout. In the readiness of every service
 * that needs Kafka to do its job. Owns its admin client, closed (within a bound) with the context.
 */
public final class KafkaHealthIndicator extends AbstractReactiveHealthIndicator implements AutoCloseable {

    /** How long a check waits for the cluster when the service has no timeout of its own to use. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final Duration timeout;

    public KafkaHealthIndicator(Map<String, Object> adminProperties, Duration timeout) {
        super("Kafka health check failed");
        this.admin = KafkaAdmins.create(adminProperties);
        this.timeout = timeout;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        var options = new DescribeClusterOptions().timeoutMs((int) timeout.toMillis());
        return Mono.fromFuture(() -> admin.describeCluster(options).clusterId().toCompletionStage().toCompletableFuture())
                .map(clusterId -> builder.up().withDetail("clusterId", clusterId).build());
    }

    @Override
    public void close() {
        admin.close();
    }
}
