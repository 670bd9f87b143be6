package io.wecomrelay.cli.replay;

import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The serializer of a replay topology's decision sinks: it keeps each decision event the processor's graph made, as
 * the graph made it, and writes no JSON (an empty value goes to the driver's output topic). The comparison reads the
 * events from here: writing them as JSON only to read them back cost about a fifth of a replay. One per driver; the
 * driver runs the graph on the thread that pipes the input, so no locking.
 */
final class CapturedDecisions implements Serializer<RelayEvent> {

    private static final byte[] NOTHING = new byte[0];

    private final List<RelayEvent> events = new ArrayList<>();

    /** The sinks' serde: this serializer; the events' own deserializer (which the sinks never call). */
    Serde<RelayEvent> serde() {
        return Serdes.serdeFrom(this, EventSerde.any());
    }

    @Override
    public byte[] serialize(String topic, @Nullable RelayEvent event) {
        if (event != null) {
            events.add(event);
        }
        return NOTHING;
    }

    /** The events captured since the last call, in the order the sinks wrote them. */
    List<RelayEvent> drain() {
        if (events.isEmpty()) {
            return List.of();
        }
        var drained = List.copyOf(events);
        events.clear();
        return drained;
    }
}
