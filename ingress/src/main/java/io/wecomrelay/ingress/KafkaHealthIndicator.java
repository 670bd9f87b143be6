package io.wecomrelay.ingress;

import java.time.Duration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/**
 * Readiness includes Kafka: an ingress that cannot reach the broker answers every message with 503,
 * so a load balancer should prefer another instance.
 */
final class KafkaHealthIndicator extends AbstractReactiveHealthIndicator {

    private final Admin admin;
    private final Duration timeout;

    KafkaHealthIndicator(Admin admin, Duration timeout) {
        super("Kafka health check failed");
        this.admin = admin;
        this.timeout = timeout;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        var options = new DescribeClusterOptions().timeoutMs((int) timeout.toMillis());
        return Mono.fromFuture(() -> admin.describeCluster(options).clusterId().toCompletionStage().toCompletableFuture())
                .map(clusterId -> builder.up().withDetail("clusterId", clusterId).build());
    }
}
