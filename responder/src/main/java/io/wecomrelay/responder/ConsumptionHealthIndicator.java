package io.wecomrelay.responder;

import io.wecomrelay.responder.outage.ConsumerOutages;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component "consumption": DOWN while a consumer waits out an outage of Redis or Kafka, with how many
 * wait, when the oldest wait began and its cause's type.
 */
final class ConsumptionHealthIndicator implements HealthIndicator {

    private final ConsumerOutages outages;

    ConsumptionHealthIndicator(ConsumerOutages outages) {
        this.outages = outages;
    }

    @Override
    public Health health() {
        return outages.current()
                .map(outage -> Health.down().withDetail("waitingConsumers", outage.waitingConsumers())
                        .withDetail("since", outage.since().toString()).withDetail("cause", outage.cause()).build())
                .orElseGet(() -> Health.up().build());
    }
}
