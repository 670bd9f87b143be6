package io.wecomrelay.support.deadletter;

/**
 * The headers every service adds to a record it dead-letters, besides the record's own headers (so
 * {@code trace-id} and {@code event-type} stay). Values are UTF-8 strings, readable with any Kafka tool.
 * The README's "Topics" section lists them for operators.
 */
public final class DeadLetterHeaders {

    /** Fully qualified class of the failure (spring-kafka's listener and deserialization wrappers left out). */
    public static final String EXCEPTION = "dlt-exception";

    /** Fully qualified class of the failure's innermost cause; the failure's own class when it has none. */
    public static final String ROOT_CAUSE = "dlt-root-cause";

    /**
     * The failure's message and, when it has another one, its innermost cause's ({@code "Error in execution;
     * caused by: WRONGTYPE ..."}): first lines only, URLs cut to scheme, host and path, secret-looking
     * parameters ({@code key=}, {@code token=}, ...) and long opaque tokens masked as {@code ***}, at most
     * 300 characters. Absent when neither has a message.
     */
    public static final String MESSAGE = "dlt-message";

    /** Class names and frames of the failure and its causes, never their messages; cut at 8 KiB. */
    public static final String STACKTRACE = "dlt-stacktrace";

    /** The topic the record was read from (for a reply the responder could not deliver: its source topic). */
    public static final String TOPIC = "dlt-topic";

    /** The partition it was read from, in decimal; absent when the dead letter was not read from a partition. */
    public static final String PARTITION = "dlt-partition";

    /** Its offset there, in decimal; absent when the dead letter was not read from a partition. */
    public static final String OFFSET = "dlt-offset";

    /** The service that dead-lettered it: its {@code spring.application.name}. */
    public static final String SERVICE = "dlt-service";

    /** When it was dead-lettered, ISO-8601 in UTC (e.g. {@code 2026-12-04T22:51:51.123Z}). */
    public static final String AT = "dlt-at";

    private DeadLetterHeaders() {
    }
}
