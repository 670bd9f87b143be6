package io.wecomrelay.processor.auth;

import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON serde of {@link Entitlement}. Reading never fails: the global table is updated by a thread
 * that has no dead-letter path, so an unreadable value counts as {@link Entitlement#NONE} (access
 * closed) and is logged with its topic, never its content.
 */
public final class EntitlementSerde implements Serde<Entitlement>, Serializer<Entitlement>, Deserializer<Entitlement> {

    private static final Logger log = LoggerFactory.getLogger(EntitlementSerde.class);

    // Configured once, thread-safe afterwards: a constant.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    @Override
    public byte @Nullable [] serialize(String topic, @Nullable Entitlement entitlement) {
        if (entitlement == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(entitlement);
        } catch (JacksonException e) {
            throw new SerializationException("Cannot write entitlement to " + topic, e);
        }
    }

    @Override
    public @Nullable Entitlement deserialize(String topic, byte @Nullable [] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            Entitlement entitlement = MAPPER.readValue(bytes, Entitlement.class);
            return entitlement == null ? Entitlement.NONE : entitlement;
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            log.warn("unreadable entitlement on topic={} counted as no grants cause={}", topic, e.getClass().getSimpleName());
            return Entitlement.NONE;
        }
    }

    @Override
    public Serializer<Entitlement> serializer() {
        return this;
    }

    @Override
    public Deserializer<Entitlement> deserializer() {
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
