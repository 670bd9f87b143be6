package io.wecomrelay.llm.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.testkit.MutableClock;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import reactor.core.publisher.Mono;

/**
 * The commit interval on the in-JVM broker: a finished reply's offset is committed once the interval passed (on the
 * consumer's clock, which the test moves) and at stop, not in every poll loop after it finished.
 */
class CommitIntervalTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    final String topic = "commits-" + UUID.randomUUID();
    final String group = topic + "-worker";
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));
    final Map<String, CompletableFuture<Void>> replies = new ConcurrentHashMap<>();
    final AtomicInteger polls = new AtomicInteger();
    AcceptedConsumer consumer;

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.stop();
        }
    }

    @Test
    void finishedRepliesAreCommittedOnceTheIntervalPassedAndAtStopNotAfterEveryLoop() throws Exception {
        TestInfrastructure.createTopics(1, topic);
        start();

        answer(send(AcceptedConsumerTest.message("first")));
        await().atMost(WAIT).until(() -> committed() == 1); // the first commit: the interval runs from here

        answer(send(AcceptedConsumerTest.message("second")));
        awaitLoops();
        assertThat(committed()).as("finished, but the interval has not passed").isEqualTo(1);
        clock.advance(INTERVAL);
        await().atMost(WAIT).until(() -> committed() == 2);

        answer(send(AcceptedConsumerTest.message("third")));
        awaitLoops();
        assertThat(committed()).isEqualTo(2);
        consumer.stop();
        assertThat(committed()).as("stop commits what finished").isEqualTo(3);
    }

    /** Lets the reply of {@code message} finish once it started; it is reported finished before this returns. */
    private void answer(MessageAccepted message) {
        await().atMost(WAIT).until(() -> replies.containsKey(message.streamId()));
        replies.get(message.streamId()).complete(null);
    }

    /** A few poll loops after a reply finished: it has been applied, and would have been committed without the interval. */
    private void awaitLoops() {
        int now = polls.get();
        await().atMost(WAIT).until(() -> polls.get() >= now + 5);
    }

    private void start() {
        var config = ConsumerSettings.withGuarantees(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()), group);
        var settings = new AcceptedConsumer.Settings(8, 8, 100, Duration.ofMillis(20), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofMillis(5), Duration.ofMillis(20), 3, INTERVAL);
        var scheme = new DeadLetterScheme("wecom-relay-llm-worker", clock, new SimpleMeterRegistry());
        consumer = new AcceptedConsumer(() -> new KafkaConsumer<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(EventSerde.of(MessageAccepted.class))) {
            @Override
            public ConsumerRecords<String, MessageAccepted> poll(Duration timeout) {
                polls.incrementAndGet();
                return super.poll(timeout);
            }
        }, topic, (message, traceId) -> Mono.fromFuture(replies.computeIfAbsent(message.streamId(),
                id -> new CompletableFuture<>())),
                new AcceptedDeadLetters(new KafkaTemplate<>(AcceptedConsumerTest.KeptOpen::new), scheme), settings,
                new AcceptedConsumer.Metrics() {
                    @Override
                    public void deferred(String botId) {
                    }

                    @Override
                    public void redone(String botId, boolean infrastructure) {
                    }

                    @Override
                    public void handedOver(String botId, String outcome) {
                    }
                }, Mono::empty, clock);
        consumer.start();
    }

    private MessageAccepted send(MessageAccepted message) throws ExecutionException, InterruptedException {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, message.conversationKey(),
                    EventSerde.of(MessageAccepted.class).serialize(topic, message))).get();
        }
        return message;
    }

    private long committed() throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            var offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return offset == null ? 0 : offset.offset();
        }
    }
}
