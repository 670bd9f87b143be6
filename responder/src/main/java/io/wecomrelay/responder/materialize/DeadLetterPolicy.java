package io.wecomrelay.responder.materialize;

import java.time.Duration;
import java.util.Objects;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.UnknownEventTypeException;
import io.wecomrelay.schemas.topic.TopicSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * When a record the materializers cannot process goes to {@code <topic>.dlt}: a failure of the record's own
 * (a script refuses its data) is tried {@code retries} more times, pausing from {@code initialBackoff} doubling
 * up to {@code maxBackoff}, then dead-lettered; an unreadable record or another event type is dead-lettered at
 * once. Outages of Redis or Kafka never reach this policy (see {@code outage.OutageAwareErrorHandler}).
 */
public record DeadLetterPolicy(int retries, Duration initialBackoff, Duration maxBackoff) {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPolicy.class);

    public DeadLetterPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
    }

    /** The error handler that applies this policy, counting and logging each dead letter by its coordinates. */
    public DefaultErrorHandler errorHandler(KafkaOperations<String, Object> kafka, MeterRegistry meters) {
        var deadLetters = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, -1));
        ConsumerRecordRecoverer recoverer = (record, e) -> {
            String cause = rootCause(e).getClass().getSimpleName();
            meters.counter("responder.dlt", "topic", record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, "cause", cause).increment();
            log.warn("dead-lettered {}-{}@{} cause={}", record.topic(), record.partition(), record.offset(), cause);
            deadLetters.accept(record, e);
        };
        var backOff = new ExponentialBackOff(initialBackoff.toMillis(), 2.0);
        backOff.setMaxInterval(maxBackoff.toMillis());
        backOff.setMaxAttempts(retries);
        var handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(UnexpectedEventException.class, UnknownEventTypeException.class);
        return handler;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
