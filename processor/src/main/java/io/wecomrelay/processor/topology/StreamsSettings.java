package io.wecomrelay.processor.topology;

import java.util.HashMap;
import java.util.Map;

import io.wecomrelay.processor.errors.DeadLetterDeserializationHandler;
import io.wecomrelay.processor.errors.DeadLetterProcessingHandler;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the processor's guarantees rest on: exactly-once v2, explicit names for
 * every internal resource, and dead-lettering of unreadable and unprocessable records. Callers add
 * connection and tuning settings; they must not override these.
 */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Map<String, Object> guarantees(String applicationId, ProcessorTopics topics) {
        var settings = new HashMap<String, Object>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        settings.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.inboundDeadLetter());
        settings.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        return settings;
    }
}
