package io.wecomrelay.responder.materialize;

import java.time.Duration;
import java.util.Objects;

import io.wecomrelay.schemas.event.UnknownEventTypeException;
import io.wecomrelay.support.deadletter.DeadLetterRecoverer;
import io.wecomrelay.support.deadletter.DeadLetterScheme;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * When a record the materializers cannot process goes to {@code <topic>.dlt}: a failure of the record's own
 * (a script refuses its data) is tried {@code retries} more times, pausing from {@code initialBackoff} doubling
 * up to {@code maxBackoff}, then dead-lettered; an unreadable record or another event type is dead-lettered at
 * once, with the headers every service writes. Outages of Redis or Kafka never reach this policy (see {@code outage.OutageAwareErrorHandler}).
 */
public record DeadLetterPolicy(int retries, Duration initialBackoff, Duration maxBackoff) {

    public DeadLetterPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
    }

    /** The error handler that applies this policy; each dead letter carries the scheme's headers and is counted. */
    public DefaultErrorHandler errorHandler(KafkaOperations<String, Object> kafka, DeadLetterScheme scheme) {
        var backOff = new ExponentialBackOff(initialBackoff.toMillis(), 2.0);
        backOff.setMaxInterval(maxBackoff.toMillis());
        backOff.setMaxAttempts(retries);
        var handler = new DefaultErrorHandler(new DeadLetterRecoverer(kafka, scheme), backOff);
        handler.addNotRetryableExceptions(UnexpectedEventException.class, UnknownEventTypeException.class);
        return handler;
    }
}
