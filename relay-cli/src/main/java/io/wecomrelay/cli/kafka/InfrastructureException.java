package io.wecomrelay.cli.kafka;

/** Kafka (or a file the command needs) is not there or refuses: exit code 3, one line on stderr. */
public final class InfrastructureException extends RuntimeException {

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
