package io.wecomrelay.schemas.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Metadata of every event. {@code eventId} is unique per event (a retry of the same WeCom callback
 * gets a new event id but the same stream id); {@code traceId} follows one user message across all
 * hops and also travels in the Kafka header {@code trace-id}.
 */
public record EventMeta(UUID eventId, String traceId, Instant occurredAt) {

    public EventMeta {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}
