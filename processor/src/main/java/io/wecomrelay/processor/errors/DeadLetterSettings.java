package io.wecomrelay.processor.errors;

import java.util.Map;

import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings that send unreadable and unprocessable records to the dead-letter topic under
 * the shared {@link DeadLetterScheme}. Streams creates the handlers itself, so the scheme travels to them
 * in the configuration, as an object under {@value #SCHEME}.
 */
public final class DeadLetterSettings {

    static final String SCHEME = "relay.dead-letter.scheme";

    private DeadLetterSettings() {
    }

    public static Map<String, Object> of(String deadLetterTopic, DeadLetterScheme scheme) {
        return Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic,
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class,
                SCHEME, scheme);
    }
}
