package io.wecomrelay.ingress;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Bots file, broker and Redis wiring shared by the ingress integration tests. */
final class IngressTestSupport {

    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String TOKEN = "QDG6eK";

    private IngressTestSupport() {
    }

    /** Writes a bots file with the given YAML entries (each starting with "  - id: ..."). */
    static Path botsFile(String entries) {
        try {
            Path file = Files.createTempFile("bots", ".yaml");
            Files.writeString(file, "bots:\n" + entries);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String bot(String id, String replyMode) {
        return """
                  - id: %s
                    token: %s
                    aes-key: %s
                    reply-mode: %s
                    placeholder: 正在思考…
                    welcome: 欢迎！
                    webhook-key: k
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
                """.formatted(id, TOKEN, AES_KEY, replyMode);
    }

    static void register(DynamicPropertyRegistry registry, Path botsFile) {
        TestInfrastructure.createTopics(1, Topics.INBOUND.name());
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("spring.data.redis.url", TestInfrastructure::redisUrl);
        registry.add("relay.ingress.bots-file", botsFile::toString);
    }

    /** A fresh consumer group reading the inbound topic from the start. */
    private static Map<String, Object> inboundReader() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "ingress-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    }

    /**
     * The MessageReceived events published for {@code botId} (reading the topic from the start),
     * once one with {@code msgId} arrived; fails if none did within {@code timeout}.
     */
    static List<MessageReceived> publishedUntil(String botId, String msgId, Duration timeout) {
        Map<String, Object> props = inboundReader();
        var result = new ArrayList<MessageReceived>();
        try (var consumer = new KafkaConsumer<String, RelayEvent>(props, new StringDeserializer(), EventSerde.any())) {
            consumer.subscribe(List.of(Topics.INBOUND.name()));
            await("MessageReceived " + msgId).atMost(timeout).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, RelayEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(botId)) {
                        result.add((MessageReceived) record.value());
                    }
                }
                return result.stream().anyMatch(e -> e.message().msgId().equals(msgId));
            });
        }
        return result;
    }

    /** The inbound record of {@code msgId} (headers included), once it arrived; fails if it did not within {@code timeout}. */
    static ConsumerRecord<String, RelayEvent> recordOf(String botId, String msgId, Duration timeout) {
        var found = new ArrayList<ConsumerRecord<String, RelayEvent>>();
        try (var consumer = new KafkaConsumer<String, RelayEvent>(inboundReader(), new StringDeserializer(), EventSerde.any())) {
            consumer.subscribe(List.of(Topics.INBOUND.name()));
            await("inbound record " + msgId).atMost(timeout).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, RelayEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(botId) && ((MessageReceived) record.value()).message().msgId().equals(msgId)) {
                        found.add(record);
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    /**
     * Every MessageReceived for {@code botId} in the inbound topic right now (up to its end offsets).
     * Ingress answers only after Kafka's ack, so a publish made for an answered callback is in here.
     */
    static List<MessageReceived> publishedSoFar(String botId) {
        Map<String, Object> props = inboundReader();
        var result = new ArrayList<MessageReceived>();
        try (var consumer = new KafkaConsumer<String, RelayEvent>(props, new StringDeserializer(), EventSerde.any())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INBOUND.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("inbound topic read to its end").atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, RelayEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(botId)) {
                        result.add((MessageReceived) record.value());
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return result;
    }
}
