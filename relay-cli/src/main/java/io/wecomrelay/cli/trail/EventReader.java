package io.wecomrelay.cli.trail;

import java.util.Optional;

import io.wecomrelay.cli.kafka.Progress;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads events from records. A record that is not an event this version knows is counted and reported once per
 * topic, never printed (its bytes may hold message text): the services dead-letter such records, the tool skips them.
 */
public final class EventReader {

    private final EventSerde<RelayEvent> serde = EventSerde.any();
    private final Progress progress;
    private long unreadable;

    public EventReader(Progress progress) {
        this.progress = progress;
    }

    public Optional<Located> read(ConsumerRecord<String, byte[]> record) {
        try {
            RelayEvent event = serde.deserialize(record.topic(), record.value());
            if (event == null) {
                return Optional.empty();
            }
            return Optional.of(new Located(record.topic(), record.partition(), record.offset(), record.timestamp(), event));
        } catch (SerializationException e) {
            if (unreadable++ == 0) {
                progress.say("skipping unreadable records (first at " + record.topic() + "-" + record.partition() + "@"
                        + record.offset() + ": " + e.getClass().getSimpleName() + ")");
            }
            return Optional.empty();
        }
    }

    public long unreadable() {
        return unreadable;
    }
}
