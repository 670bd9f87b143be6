package io.wecomrelay.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class DeadLetterSchemeTest {

    static final Instant NOW = Instant.parse("2026-12-04T22:51:51.123Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DeadLetterScheme scheme = new DeadLetterScheme("wecom-relay-test", Clock.fixed(NOW, ZoneOffset.UTC), meters);

    @Test
    void aRecordReadFromAPartitionGetsEveryHeader() {
        var failure = new IllegalStateException("script refused https://h.example/p?key=secret",
                new UnsupportedOperationException("inner"));

        Headers headers = scheme.headers(failure, "wecom.accepted", 3, 42L);

        assertThat(value(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(value(headers, DeadLetterHeaders.ROOT_CAUSE)).isEqualTo(UnsupportedOperationException.class.getName());
        assertThat(value(headers, DeadLetterHeaders.MESSAGE)).isEqualTo("script refused https://h.example/p; caused by: inner");
        assertThat(value(headers, DeadLetterHeaders.STACKTRACE)).contains("Caused by: java.lang.UnsupportedOperationException");
        assertThat(value(headers, DeadLetterHeaders.TOPIC)).isEqualTo("wecom.accepted");
        assertThat(value(headers, DeadLetterHeaders.PARTITION)).isEqualTo("3");
        assertThat(value(headers, DeadLetterHeaders.OFFSET)).isEqualTo("42");
        assertThat(value(headers, DeadLetterHeaders.SERVICE)).isEqualTo("wecom-relay-test");
        assertThat(value(headers, DeadLetterHeaders.AT)).isEqualTo("2026-12-04T22:51:51.123Z");
        assertThat(headers.toArray()).extracting(Header::key).doesNotHaveDuplicates().hasSize(9);
    }

    @Test
    void aDeadLetterNotReadFromAPartitionHasNoPartitionNorOffsetAndNoMessageWhenTheFailureHasNone() {
        Headers headers = scheme.headers(new IllegalArgumentException(), "wecom.chunks");

        assertThat(headers.lastHeader(DeadLetterHeaders.PARTITION)).isNull();
        assertThat(headers.lastHeader(DeadLetterHeaders.OFFSET)).isNull();
        assertThat(headers.lastHeader(DeadLetterHeaders.MESSAGE)).isNull();
        assertThat(value(headers, DeadLetterHeaders.ROOT_CAUSE)).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(value(headers, DeadLetterHeaders.TOPIC)).isEqualTo("wecom.chunks");
    }

    @Test
    void countsByServiceTopicAndTheSimpleNameOfTheFailure() {
        scheme.counted("wecom.chunks", new IllegalStateException("outer", new UnsupportedOperationException()));
        scheme.counted("wecom.chunks", new IllegalStateException());
        scheme.counted("wecom.rejected", new UnsupportedOperationException());

        assertThat(count("wecom.chunks", "IllegalStateException")).isEqualTo(2.0);
        assertThat(count("wecom.rejected", "UnsupportedOperationException")).isEqualTo(1.0);
        assertThat(meters.find(DeadLetterScheme.METRIC).counters()).hasSize(2);
    }

    private double count(String topic, String cause) {
        return meters.get(DeadLetterScheme.METRIC).tag("service", "wecom-relay-test").tag("topic", topic).tag("cause", cause)
                .counter().count();
    }

    static String value(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        assertThat(header).as(name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
