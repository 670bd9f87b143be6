package io.wecomrelay.cli.trail;

import java.time.Instant;

import io.wecomrelay.schemas.event.RelayEvent;

/** An event and where it was read: topic, partition, offset and record time. */
public record Located(String topic, int partition, long offset, long timestampMs, RelayEvent event) {

    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    /** The writer's time of the event. */
    public Instant at() {
        return event.meta().occurredAt();
    }
}
