package io.wecomrelay.ingress.publish;

/** Kafka did not acknowledge in time; WeCom must retry, so the caller answers 503. */
public final class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
