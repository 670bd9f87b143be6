package io.wecomrelay.processor.errors;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dead-letter record of a failed input record: the raw key and value as they arrived, the
 * input's headers (so the trace id survives), and the error in the headers Kafka Streams itself uses
 * ({@code __streams.errors.*}).
 */
final class DeadLetters {

    static final String EXCEPTION = "__streams.errors.exception";
    static final String MESSAGE = "__streams.errors.message";
    static final String STACKTRACE = "__streams.errors.stacktrace";
    static final String TOPIC = "__streams.errors.topic";
    static final String PARTITION = "__streams.errors.partition";
    static final String OFFSET = "__streams.errors.offset";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String topic;

    private DeadLetters(String topic) {
        this.topic = topic;
    }

    /** Reads the dead-letter topic from the Streams configuration; a processor without one must not start. */
    static DeadLetters from(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must be set");
        }
        return new DeadLetters(topic.toString());
    }

    List<ProducerRecord<byte[], byte[]>> of(String stage, ErrorHandlerContext context, byte @Nullable [] key,
                                            byte @Nullable [] value, Exception exception) {
        log.warn("dead-lettered {}-{}@{} stage={} processor={} to={} cause={}", context.topic(), context.partition(),
                context.offset(), stage, context.processorNodeId(), topic, exception.getClass().getName());
        var record = new ProducerRecord<>(topic, null, context.timestamp(), key, value, errorHeaders(context, exception));
        return List.of(record);
    }

    private static Headers errorHeaders(ErrorHandlerContext context, Exception exception) {
        var headers = new RecordHeaders(context.headers().toArray());
        add(headers, EXCEPTION, exception.getClass().getName());
        add(headers, MESSAGE, String.valueOf(exception.getMessage()));
        add(headers, STACKTRACE, stackTrace(exception));
        add(headers, TOPIC, context.topic());
        add(headers, PARTITION, Integer.toString(context.partition()));
        add(headers, OFFSET, Long.toString(context.offset()));
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The exception and its causes with their frames, as a header value for operators. */
    private static String stackTrace(Exception exception) {
        var out = new StringBuilder();
        for (Throwable current = exception; current != null; current = current.getCause()) {
            out.append(out.isEmpty() ? "" : "Caused by: ").append(current).append('\n');
            for (StackTraceElement frame : current.getStackTrace()) {
                out.append("\tat ").append(frame).append('\n');
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return out.toString();
    }
}
