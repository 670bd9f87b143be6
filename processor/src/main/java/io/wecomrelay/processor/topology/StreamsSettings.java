package io.wecomrelay.processor.topology;

import java.util.HashMap;
import java.util.Map;

import io.wecomrelay.processor.errors.DeadLetterSettings;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the processor's guarantees rest on: exactly-once v2, explicit names for
 * every internal resource, and dead-lettering of unreadable and unprocessable records. Callers add
 * connection and tuning settings; they must not override these.
 */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Map<String, Object> guarantees(String applicationId, ProcessorTopics topics, DeadLetterScheme deadLetters) {
        var settings = new HashMap<String, Object>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        settings.putAll(DeadLetterSettings.of(topics.inboundDeadLetter(), deadLetters));
        return settings;
    }
}
