package io.wecomrelay.llm.consume;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.support.deadletter.DeadLetterRecoverer;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * The dead letters of the accepted topic (the responder and the processor have their own). Sends records that
 * cannot be read (not JSON, unknown event type, not a message-accepted) to
 * {@code <topic>.dlt}, keyed as before, with the original bytes and the headers every service writes
 * ({@link DeadLetterScheme}: failure, original topic, partition, offset, service, time), and counts them.
 * Uses service-support's {@link DeadLetterRecoverer}, fed by the {@code ErrorHandlingDeserializer} in front
 * of the event serde. Called on the consumer thread.
 * <p>
 * Messages whose reply Kafka refused for good ({@link #sendUnanswerable}) go there too, written again
 * from the consumed event; that call blocks until the broker acknowledged and may run on any thread.
 */
final class AcceptedDeadLetters {

    private static final Logger log = LoggerFactory.getLogger(AcceptedDeadLetters.class);
    private static final LogAccessor LOG_ACCESSOR = new LogAccessor(AcceptedDeadLetters.class);

    private final DeadLetterRecoverer recoverer;

    /** @param template writes String keys and byte[] values */
    AcceptedDeadLetters(KafkaOperations<String, byte[]> template, DeadLetterScheme scheme) {
        this.recoverer = new DeadLetterRecoverer(template, scheme);
    }

    /**
     * Dead-letters a consumed message that cannot be answered ({@code cause} says why) and waits for
     * the broker; throws when it could not be written, so the caller can try again.
     */
    void sendUnanswerable(Work work, Exception cause) {
        byte[] value = EventSerde.of(MessageAccepted.class).serialize(work.partition().topic(), work.message());
        var record = new ConsumerRecord<String, byte[]>(work.partition().topic(), work.partition().partition(),
                work.offset(), work.key(), value);
        TraceHeaders.carry(record.headers(), work.arrival().traceparent(), work.traceId());
        // no consumer: it is only used to check the DLT's partition, and this may run off the consumer thread
        recoverer.accept(record, null, cause);
    }

    /** Dead-letters a record whose value could not be deserialized; failures are logged, not thrown. */
    void send(ConsumerRecord<String, ?> record, Consumer<?, ?> consumer) {
        DeserializationException cause = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
        Exception exception = cause != null ? cause : new IllegalArgumentException("record has no value");
        try {
            recoverer.accept(record, consumer, exception);
        } catch (RuntimeException e) {
            log.error("cannot dead-letter {}-{}@{}; skipped cause={}", record.topic(), record.partition(), record.offset(),
                    e.toString());
        }
    }
}
