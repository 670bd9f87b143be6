package io.wecomrelay.schemas.event;

import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one serde for wecom-relay events, used by Kafka Streams and wrapped by spring-kafka. Unknown
 * fields are tolerated so that additive changes stay compatible; an unknown {@code type} is an
 * {@link UnknownEventTypeException}; any other unreadable record is a Kafka
 * {@link SerializationException}.
 *
 * @param <T> the event type this instance reads; use {@link RelayEvent} to read any event
 */
public final class EventSerde<T extends RelayEvent> implements Serde<T>, Serializer<T>, Deserializer<T> {

    // Configured once and thread-safe afterwards: a constant, not shared mutable state.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new EventJacksonModule())
            .build();

    // Resolved once: readValue/writerFor would look the root (de)serializer up again on every record.
    private static final ObjectReader READER = MAPPER.readerFor(RelayEvent.class);
    private static final ObjectWriter WRITER = MAPPER.writerFor(RelayEvent.class);

    private final Class<T> type;

    private EventSerde(Class<T> type) {
        this.type = type;
    }

    public static <T extends RelayEvent> EventSerde<T> of(Class<T> type) {
        return new EventSerde<>(type);
    }

    /** A serde that reads any event of the family. */
    public static EventSerde<RelayEvent> any() {
        return new EventSerde<>(RelayEvent.class);
    }

    /** The mapper events are written with; for tests and tools that need the JSON form. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    @Override
    public byte @Nullable [] serialize(String topic, @Nullable T event) {
        if (event == null) {
            return null;
        }
        try {
            // Always write through the family type so the "type" property is present.
            return WRITER.writeValueAsBytes(event);
        } catch (JacksonException e) {
            throw new SerializationException("Cannot write " + event.getClass().getSimpleName() + " to " + topic, e);
        }
    }

    @Override
    public @Nullable T deserialize(String topic, byte @Nullable [] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            RelayEvent event = READER.readValue(bytes);
            if (!type.isInstance(event)) {
                throw new SerializationException("Expected " + type.getSimpleName() + " on " + topic
                        + " but got " + event.getClass().getSimpleName());
            }
            return type.cast(event);
        } catch (InvalidTypeIdException e) {
            throw new UnknownEventTypeException(topic, e);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new SerializationException("Cannot read " + type.getSimpleName() + " from " + topic + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the mapper is fixed
    }

    @Override
    public void close() {
        // nothing to release
    }
}
