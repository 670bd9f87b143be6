package io.wecomrelay.cli.trail;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.wecomrelay.schemas.event.RelayEvent;

/**
 * The {@code type} an event is written with ({@code message-received.v1}: its name and schema version), from the
 * family's own Jackson declaration, so that a hop names exactly what the topic holds.
 */
final class EventTypes {

    private static final Map<Class<?>, String> NAMES = Stream.of(RelayEvent.class.getAnnotation(JsonSubTypes.class).value())
            .collect(Collectors.toUnmodifiableMap(JsonSubTypes.Type::value, JsonSubTypes.Type::name));

    private EventTypes() {
    }

    static String of(RelayEvent event) {
        return NAMES.get(event.getClass());
    }
}
