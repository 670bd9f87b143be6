package io.wecomrelay.connector.socket;

/** A frame was not acknowledged: the socket closed, was not subscribed, or the ack did not come in time. */
public final class AckException extends RuntimeException {

    public AckException(String message) {
        super(message, null, false, false);
    }
}
