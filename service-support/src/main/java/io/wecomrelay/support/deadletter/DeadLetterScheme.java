package io.wecomrelay.support.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * What one service writes about every record it dead-letters: the {@link DeadLetterHeaders} and one count of
 * {@value #METRIC}{@code {service,topic,cause}}. Every dead-letter path of every service goes through it, so a
 * dead letter reads the same whoever wrote it. Plain Java: Kafka Streams' handlers use it as well as the
 * spring-kafka {@link DeadLetterRecoverer}.
 */
public final class DeadLetterScheme {

    /**
     * Counter of records dead-lettered; tags {@code service} (the writer's {@code spring.application.name}),
     * {@code topic} (the topic the record was read from) and {@code cause} (simple class name of the failure, as in
     * the {@link DeadLetterHeaders#EXCEPTION} header).
     */
    public static final String METRIC = "relay.dead.letters";

    private final String service;
    private final Clock clock;
    private final MeterRegistry meters;

    public DeadLetterScheme(String service, Clock clock, MeterRegistry meters) {
        this.service = Objects.requireNonNull(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** The headers of a dead letter for a record read at {@code topic}-{@code partition}@{@code offset}. */
    public Headers headers(Throwable failure, String topic, int partition, long offset) {
        Headers headers = headers(failure, topic);
        put(headers, DeadLetterHeaders.PARTITION, Integer.toString(partition));
        put(headers, DeadLetterHeaders.OFFSET, Long.toString(offset));
        return headers;
    }

    /** The headers of a dead letter that was not read from a partition, such as a reply written again from its source. */
    public Headers headers(Throwable failure, String topic) {
        var headers = new RecordHeaders();
        Throwable rootCause = rootCause(failure);
        put(headers, DeadLetterHeaders.EXCEPTION, failure.getClass().getName());
        put(headers, DeadLetterHeaders.ROOT_CAUSE, rootCause.getClass().getName());
        String message = SecretFreeMessages.of(failure, rootCause);
        if (message != null) {
            put(headers, DeadLetterHeaders.MESSAGE, message);
        }
        put(headers, DeadLetterHeaders.STACKTRACE, StackFrames.of(failure));
        put(headers, DeadLetterHeaders.TOPIC, topic);
        put(headers, DeadLetterHeaders.SERVICE, service);
        put(headers, DeadLetterHeaders.AT, clock.instant().toString());
        return headers;
    }

    /** Counts one record of {@code topic} dead-lettered for {@code failure}; call once it is written (or handed to Kafka Streams). */
    public void counted(String topic, Throwable failure) {
        Counter.builder(METRIC)
                .description("Records sent to a dead-letter topic")
                .tag("service", service)
                .tag("topic", topic)
                .tag("cause", failure.getClass().getSimpleName())
                .register(meters)
                .increment();
    }

    public String service() {
        return service;
    }

    /** The innermost cause; the failure itself when it has none. */
    private static Throwable rootCause(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable cause = failure;
        for (@Nullable Throwable next = failure.getCause(); next != null && seen.add(next); next = next.getCause()) {
            cause = next;
        }
        return cause;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "DeadLetterScheme[service=" + service + "]";
    }
}
