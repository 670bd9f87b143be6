package io.wecomrelay.responder.materialize;

/** A readable event of the wrong type on a topic; retrying cannot help, so it goes to the dead-letter topic. */
final class UnexpectedEventException extends RuntimeException {

    UnexpectedEventException(String topic, Class<?> type) {
        super("unexpected " + type.getSimpleName() + " on " + topic);
    }
}
