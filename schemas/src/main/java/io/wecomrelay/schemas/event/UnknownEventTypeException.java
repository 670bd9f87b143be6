package io.wecomrelay.schemas.event;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose {@code type} this version does not know. Consumers must not guess: error handlers
 * send such records to the topic's dead-letter topic and carry on.
 */
public final class UnknownEventTypeException extends SerializationException {

    public UnknownEventTypeException(String topic, Throwable cause) {
        super("Unknown event type on topic " + topic + ": " + cause.getMessage(), cause);
    }
}
