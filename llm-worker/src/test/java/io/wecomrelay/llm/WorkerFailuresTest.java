package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.LocalRedis;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Failures of a record and failures of Redis, with the real broker and real Redis: a record that keeps failing is
 * tried {@code max-attempts} times, dead-lettered with its cause and committed, and no longer holds up its
 * conversation (before, it was redone for ever); Redis killed for longer than that is waited out, never
 * dead-lettered, redone once Redis answers again (not over and over while it is down), and the reply completes.
 */
class WorkerFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aRecordThatKeepsFailingIsDeadLetteredWithItsCauseAndItsConversationGoesOn() throws Exception {
        String prefix = "failing";
        var chunks = WorkerTestSupport.chunks(prefix + ".chunks");
        String user = WorkerTestSupport.user();
        var poison = WorkerTestSupport.text(user, "q-" + UUID.randomUUID() + " never answered");
        var next = WorkerTestSupport.text(user, "q-" + UUID.randomUUID() + " after it");
        // bad data that fails the same way every time: the attempt counter is a hash, so the start script's INCR fails
        try (var redis = new Redis(TestInfrastructure.redisUrl())) {
            redis.template().opsForHash().put("llm:attempt:" + poison.streamId(), "not", "a counter");
        }

        try (var worker = WorkerTestSupport.worker(prefix, Map.of("relay.worker.consumer.max-attempts", "3"))) {
            WorkerTestSupport.send(prefix + ".accepted", poison);
            WorkerTestSupport.send(prefix + ".accepted", next);

            var reply = chunks.awaitReply(next.streamId(), WAIT);
            assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(next)));
            var deadLetter = deadLetter(prefix + ".accepted.dlt", poison.conversationKey());
            assertThat(header(deadLetter, DeadLetterHeaders.EXCEPTION)).endsWith("RedisSystemException");
            assertThat(header(deadLetter, DeadLetterHeaders.ROOT_CAUSE)).endsWith("RedisCommandExecutionException");
            assertThat(header(deadLetter, DeadLetterHeaders.MESSAGE)).contains("WRONGTYPE");
            assertThat(header(deadLetter, DeadLetterHeaders.STACKTRACE)).contains("RedisCommandExecutionException");
            assertThat(header(deadLetter, DeadLetterHeaders.TOPIC)).isEqualTo(prefix + ".accepted");
            assertThat(header(deadLetter, DeadLetterHeaders.SERVICE)).isEqualTo("wecom-relay-llm-worker");
            assertThat(header(deadLetter, TraceHeaders.TRACEPARENT)).startsWith("00-" + poison.meta().traceId() + "-");
            await().atMost(WAIT).until(() -> committed(prefix) == 2);
            await().atMost(WAIT).untilAsserted(() -> assertThat(counter(worker, "relay.worker.redos", "record")).isEqualTo(2));
            await().atMost(WAIT).untilAsserted(() -> assertThat(worker.getBean(MeterRegistry.class).get(DeadLetterScheme.METRIC)
                    .tags("service", "wecom-relay-llm-worker", "topic", prefix + ".accepted", "cause", "RedisSystemException")
                    .counter().count()).isEqualTo(1.0));
            assertThat(DIFY.requestsFor(query(poison))).isEmpty();
            assertThat(chunks.all(poison.streamId())).isEmpty();
        }
    }

    @Test
    void aRedisOutageLongerThanTheAttemptsIsWaitedOutAndTheReplyCompletesAfterwards() throws Exception {
        String prefix = "outage";
        var chunks = WorkerTestSupport.chunks(prefix + ".chunks");
        var redis = LocalRedis.startEmbedded();
        try (var worker = WorkerTestSupport.worker(prefix, Map.of(
                "spring.data.redis.url", redis.url(),
                "spring.data.redis.timeout", "300ms",
                "spring.data.redis.connect-timeout", "300ms",
                "relay.worker.ledger.redis-timeout", "300ms",
                "relay.worker.consumer.max-attempts", "2",
                "relay.worker.consumer.max-failure-backoff", "300ms"))) {
            var before = WorkerTestSupport.text(WorkerTestSupport.user(), "q-" + UUID.randomUUID() + " before");
            WorkerTestSupport.send(prefix + ".accepted", before);
            chunks.awaitReply(before.streamId(), WAIT);

            redis.kill();
            var message = WorkerTestSupport.text(WorkerTestSupport.user(), "q-" + UUID.randomUUID() + " during");
            WorkerTestSupport.send(prefix + ".accepted", message);
            await().atMost(WAIT).until(() -> consumption(worker).equals(Status.DOWN));
            // ten times the longest backoff, far past the attempts: the redo waits for Redis to answer again instead
            // of failing over and over (before, it was redone every 300 ms), and the record is not given up
            Thread.sleep(3_000);
            assertThat(counter(worker, "relay.worker.redos", "infrastructure")).isEqualTo(1);
            assertThat(consumption(worker)).isEqualTo(Status.DOWN);

            redis.startAgain();
            var reply = chunks.awaitReply(message.streamId(), WAIT);
            assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
            assertThat(DIFY.requestsFor(query(message))).hasSize(1);
            await().atMost(WAIT).until(() -> consumption(worker).equals(Status.UP));
            await().atMost(WAIT).until(() -> committed(prefix) == 2);
            assertThat(counter(worker, "relay.worker.redos", "record")).isZero();
            assertThat(counter(worker, "relay.worker.redos", "infrastructure")).isEqualTo(1);
            assertThat(deadLetters(prefix + ".accepted.dlt")).isEmpty();
        } finally {
            redis.close();
        }
    }

    private static Status consumption(ConfigurableApplicationContext worker) {
        return worker.getBean("consumptionHealthIndicator", HealthIndicator.class).health().getStatus();
    }

    private static double counter(ConfigurableApplicationContext worker, String name, String cause) {
        var counter = worker.getBean(MeterRegistry.class).find(name).tag("bot", WorkerTestSupport.BOT)
                .tag("cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString();
    }

    private static long committed(String prefix) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            var offsets = admin.listConsumerGroupOffsets(prefix + "-worker").partitionsToOffsetAndMetadata().get();
            var offset = offsets.get(new TopicPartition(prefix + ".accepted", 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    private static ConsumerRecord<String, byte[]> deadLetter(String topic, String key) {
        return await().atMost(WAIT).until(() -> deadLetters(topic).stream().filter(record -> key.equals(record.key()))
                .findFirst().orElse(null), record -> record != null);
    }

    /** Everything in the topic up to its end now (nothing when it does not exist). */
    private static List<ConsumerRecord<String, byte[]>> deadLetters(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        var found = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A template on a Redis, for arranging data. */
    private record Redis(LettuceConnectionFactory factory) implements AutoCloseable {
        Redis(String url) {
            this(new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(url)));
            factory.afterPropertiesSet();
            factory.start();
        }

        StringRedisTemplate template() {
            var template = new StringRedisTemplate(factory);
            template.afterPropertiesSet();
            return template;
        }

        @Override
        public void close() {
            factory.destroy();
        }
    }
}
