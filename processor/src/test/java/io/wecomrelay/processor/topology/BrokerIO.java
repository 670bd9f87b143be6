package io.wecomrelay.processor.topology;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing inbound events the way ingress does, and reading what the processor committed, on the shared broker. */
public final class BrokerIO {

    private BrokerIO() {
    }

    public static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    }

    /** Keyed by bot id, record time = when ingress received it, trace id header. */
    public static ProducerRecord<String, byte[]> inbound(String topic, MessageReceived received) {
        var headers = new RecordHeaders();
        headers.add(EventHeaders.TRACE_ID, received.meta().traceId().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, received.meta().occurredAt().toEpochMilli(), received.botId(),
                EventSerde.any().serialize(topic, received), headers);
    }

    /** A consumer that sees only committed records, as the llm-worker and the responder do. */
    public static KafkaConsumer<String, byte[]> readCommitted(List<String> topics) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        return consumer;
    }

    /** Polls into {@code into} until {@code done} holds; fails if it does not within {@code timeout}. */
    public static void pollUntil(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> into,
                                 Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
        await().atMost(timeout).pollInSameThread().until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
            return done.test(into);
        });
    }

    /** Polls into {@code into} until the consumer has read everything committed to its partitions by now. */
    public static void pollToEnd(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> into,
                                 Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        await().atMost(timeout).pollInSameThread().until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
            return end.entrySet().stream().allMatch(partition -> consumer.position(partition.getKey()) >= partition.getValue());
        });
    }

    public static RelayEvent event(ConsumerRecord<String, byte[]> record) {
        return EventSerde.any().deserialize(record.topic(), record.value());
    }

    public static List<RelayEvent> events(List<ConsumerRecord<String, byte[]>> records) {
        var events = new ArrayList<RelayEvent>();
        records.forEach(record -> events.add(event(record)));
        return events;
    }
}
