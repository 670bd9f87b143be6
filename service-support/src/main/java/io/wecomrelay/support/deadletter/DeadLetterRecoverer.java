package io.wecomrelay.support.deadletter;

import io.wecomrelay.schemas.topic.TopicSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Writes a consumed record to {@code <topic>.dlt} under the {@link DeadLetterScheme}, then counts and logs
 * it (coordinates and cause only). spring-kafka's {@link DeadLetterPublishingRecoverer} does the writing:
 * it keeps the key, the record's headers and, for a record that could not be deserialized, the original
 * bytes; its own {@code kafka_dlt-*} headers are left out, ours take their place. Partition -1: the
 * producer partitions by key, so a dead-letter topic needs no particular partition count.
 * <p>
 * Blocks until the broker acknowledged; throws when the record could not be written, so the caller can
 * try again or give up.
 */
public final class DeadLetterRecoverer implements ConsumerAwareRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

    private final DeadLetterPublishingRecoverer publisher;
    private final DeadLetterScheme scheme;

    /** @param template writes the record's key and value types (byte[] for records that could not be read) */
    public DeadLetterRecoverer(KafkaOperations<?, ?> template, DeadLetterScheme scheme) {
        this.scheme = scheme;
        this.publisher = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, -1));
        this.publisher.excludeHeader(HeadersToAdd.values());
        this.publisher.setHeadersFunction((record, exception) ->
                scheme.headers(failure(exception), record.topic(), record.partition(), record.offset()));
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, @Nullable Consumer<?, ?> consumer, Exception exception) {
        publisher.accept(record, consumer, exception);
        Throwable failure = failure(exception);
        scheme.counted(record.topic(), failure);
        log.warn("dead-lettered {}-{}@{} cause={}", record.topic(), record.partition(), record.offset(),
                failure.getClass().getSimpleName());
    }

    /**
     * The failure itself, without spring-kafka's wrappers: a listener's exception arrives inside a
     * {@link ListenerExecutionFailedException} (and a batch listener's inside a {@link BatchListenerFailedException}
     * too), a deserializer's inside a {@link DeserializationException} (Kafka Streams hands over the deserializer's
     * own), so the same bad record reads the same in every service.
     */
    static Throwable failure(Throwable exception) {
        Throwable failure = exception;
        while ((failure instanceof ListenerExecutionFailedException || failure instanceof BatchListenerFailedException
                || failure instanceof DeserializationException) && failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure;
    }
}
