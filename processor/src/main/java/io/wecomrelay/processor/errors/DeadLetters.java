package io.wecomrelay.processor.errors;

import java.util.List;
import java.util.Map;

import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dead-letter record of a failed input record: the raw key and value as they arrived, the
 * input's headers (so the trace id survives), and the failure in the headers of the shared
 * {@link DeadLetterScheme}, which also counts it.
 */
final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String topic;
    private final DeadLetterScheme scheme;

    private DeadLetters(String topic, DeadLetterScheme scheme) {
        this.topic = topic;
        this.scheme = scheme;
    }

    /** Reads the dead-letter topic and scheme from the Streams configuration; a processor without them must not start. */
    static DeadLetters from(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must be set");
        }
        if (!(configs.get(DeadLetterSettings.SCHEME) instanceof DeadLetterScheme scheme)) {
            throw new ConfigException(DeadLetterSettings.SCHEME + " must be a " + DeadLetterScheme.class.getName());
        }
        return new DeadLetters(topic.toString(), scheme);
    }

    List<ProducerRecord<byte[], byte[]>> of(String stage, ErrorHandlerContext context, byte @Nullable [] key,
                                            byte @Nullable [] value, Exception exception) {
        log.warn("dead-lettered {}-{}@{} stage={} processor={} to={} cause={}", context.topic(), context.partition(),
                context.offset(), stage, context.processorNodeId(), topic, exception.getClass().getName());
        Headers headers = new RecordHeaders(context.headers().toArray());
        for (Header header : scheme.headers(exception, context.topic(), context.partition(), context.offset())) {
            headers.add(header);
        }
        scheme.counted(context.topic(), exception);
        return List.of(new ProducerRecord<>(topic, null, context.timestamp(), key, value, headers));
    }
}
