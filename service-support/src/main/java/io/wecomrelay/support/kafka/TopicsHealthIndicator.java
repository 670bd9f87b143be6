package io.wecomrelay.support.kafka;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code topics}, part of every service's readiness: DOWN until the service's topics exist, with
 * the reason the last attempt failed.
 */
public final class TopicsHealthIndicator implements HealthIndicator {

    private final TopicProvisioning provisioning;

    public TopicsHealthIndicator(TopicProvisioning provisioning) {
        this.provisioning = provisioning;
    }

    @Override
    public Health health() {
        TopicProvisioning.Status status = provisioning.status();
        if (status.done()) {
            return Health.up().withDetail("created", status.created()).build();
        }
        Health.Builder down = Health.down();
        String problem = status.problem();
        return (problem == null ? down.withDetail("provisioning", "in progress") : down.withDetail("problem", problem)).build();
    }
}
