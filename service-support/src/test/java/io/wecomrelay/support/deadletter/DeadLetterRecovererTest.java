package io.wecomrelay.support.deadletter;

import static io.wecomrelay.support.deadletter.DeadLetterSchemeTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.SerializationUtils;

/** spring-kafka's publisher, made to write our headers instead of its own, against a producer that records. */
class DeadLetterRecovererTest {

    private final Recording producer = new Recording();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DeadLetterRecoverer recoverer = new DeadLetterRecoverer(new KafkaTemplate<>(() -> producer),
            new DeadLetterScheme("wecom-relay-test", Clock.fixed(DeadLetterSchemeTest.NOW, ZoneOffset.UTC), meters));

    @Test
    void aFailedRecordGoesToItsDeadLetterTopicWithOurHeadersItsOwnAndNoneOfSpringKafkas() {
        var record = new ConsumerRecord<String, byte[]>("wecom.chunks", 2, 17L, "stream-1", bytes("{\"type\":\"x\"}"));
        record.headers().add("trace-id", bytes("trace-1"));
        var failure = new IllegalStateException("unexpected MessageRejected");

        recoverer.accept(record, null, new ListenerExecutionFailedException("listener failed",
                new BatchListenerFailedException("cannot fold", failure, record)));

        ProducerRecord<String, byte[]> dead = producer.history().get(0);
        assertThat(producer.history()).hasSize(1);
        assertThat(dead.topic()).isEqualTo("wecom.chunks.dlt");
        assertThat(dead.key()).isEqualTo("stream-1");
        assertThat(dead.value()).isEqualTo(record.value());
        assertThat(value(dead.headers(), "trace-id")).isEqualTo("trace-1");
        assertThat(value(dead.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(value(dead.headers(), DeadLetterHeaders.MESSAGE)).isEqualTo("unexpected MessageRejected");
        assertThat(value(dead.headers(), DeadLetterHeaders.TOPIC)).isEqualTo("wecom.chunks");
        assertThat(value(dead.headers(), DeadLetterHeaders.PARTITION)).isEqualTo("2");
        assertThat(value(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("17");
        assertThat(value(dead.headers(), DeadLetterHeaders.SERVICE)).isEqualTo("wecom-relay-test");
        assertThat(value(dead.headers(), DeadLetterHeaders.AT)).isEqualTo(DeadLetterSchemeTest.NOW.toString());
        assertThat(dead.headers().toArray()).extracting(Header::key).noneMatch(key -> key.startsWith("kafka_dlt"));
        assertThat(counted("wecom.chunks", "IllegalStateException")).isEqualTo(1.0);
    }

    @Test
    void aRecordThatCouldNotBeReadGoesWithItsOriginalBytesAndTheDeserializersOwnFailure() {
        byte[] garbage = bytes("{not json");
        var record = new ConsumerRecord<String, Object>("wecom.accepted", 0, 5L, "conversation-1", null);
        Deserializer<Object> refusing = (topic, data) -> {
            throw new IllegalArgumentException("not an event");
        };
        try (var reader = new ErrorHandlingDeserializer<>(refusing)) {
            assertThat(reader.deserialize("wecom.accepted", record.headers(), garbage)).isNull();
        }
        DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, new LogAccessor(getClass()));

        recoverer.accept(record, null, unreadable);

        ProducerRecord<String, byte[]> dead = producer.history().get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(value(dead.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(dead.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER)).isNull();
        assertThat(counted("wecom.accepted", "IllegalArgumentException")).isEqualTo(1.0);
    }

    @Test
    void aDeadLetterTheBrokerRefusedIsThrownAndNotCounted() {
        producer.sendException = new RecordTooLargeException("refused");
        var record = new ConsumerRecord<String, byte[]>("wecom.chunks", 0, 1L, "stream-1", bytes("x"));

        assertThatThrownBy(() -> recoverer.accept(record, null, new IllegalStateException("bad")))
                .isInstanceOf(RuntimeException.class);

        assertThat(meters.find(DeadLetterScheme.METRIC).counters()).isEmpty();
    }

    private double counted(String topic, String cause) {
        return meters.get(DeadLetterScheme.METRIC).tag("topic", topic).tag("cause", cause).counter().count();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Completes every send at once; never closed by the template. */
    static final class Recording extends MockProducer<String, byte[]> {

        Recording() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void close() {
        }

        @Override
        public void close(Duration timeout) {
        }
    }
}
