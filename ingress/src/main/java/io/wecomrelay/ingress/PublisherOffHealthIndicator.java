package io.wecomrelay.ingress;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The {@code kafka} health component when {@code relay.ingress.publisher=none}: Kafka is not used,
 * so it cannot make ingress unready. UNKNOWN (which does not lower the aggregate) rather than UP, so
 * that nobody reads it as "Kafka is fine".
 */
final class PublisherOffHealthIndicator implements ReactiveHealthIndicator {

    @Override
    public Mono<Health> health() {
        return Mono.just(Health.unknown().withDetail("publisher", "none: Kafka is not used (benchmark setting)").build());
    }
}
