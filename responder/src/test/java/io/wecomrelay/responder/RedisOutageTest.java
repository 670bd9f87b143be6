package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import io.wecomrelay.testkit.LocalRedis;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis killed (SIGKILL) while chunks keep coming, for far longer than the listener's retry budget (here
 * {@code retries=1} with a 100 ms back-off: the old code dead-lettered after about that long), then started again,
 * empty, on the same port. Nothing goes to the dead-letter topic; consumption waits (health DOWN) and afterwards
 * every stream is complete and the webhook reply is delivered once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.data.redis.timeout=500ms", "spring.data.redis.connect-timeout=500ms",
        "relay.responder.delivery.outbox.poll-interval=50ms",
        // the old budget: one retry after 100 ms, then the dead-letter topic
        "relay.responder.listener.retries=1", "relay.responder.listener.initial-backoff=100ms",
        "relay.responder.listener.max-backoff=500ms"})
// closed after the class: cached, its outbox workers and subscription would keep calling the Redis stopped below
@DirtiesContext
class RedisOutageTest {

    static final LocalRedis REDIS = LocalRedis.startEmbedded();
    static final WeComApiSimulator WECOM = WeComApiSimulator.start(Clock.systemUTC(), 20, Duration.ofSeconds(1));
    static final String KEY = "key-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    KafkaTemplate<String, Object> kafka;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ConsumptionHealthIndicator consumption;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        WECOM.addWebhookKey(KEY);
        String common = "    token: tok\n    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n";
        // bot ids of its own: the responders of later test classes read wecom.chunks from the start with new groups,
        // and must not deliver this test's webhook reply to their WeCom simulators
        Path bots = Files.createTempFile("bots", ".yaml");
        Files.writeString(bots, "bots:\n  - id: outage-passive\n" + common
                + "  - id: outage-webhook\n" + common + "    reply-mode: webhook\n    webhook-key: " + KEY + "\n");
        bots.toFile().deleteOnExit();
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("spring.kafka.consumer.group-id", () -> "responder-outage-" + UUID.randomUUID());
        registry.add("spring.data.redis.url", REDIS::url);
        registry.add("relay.responder.bots-file", bots::toString);
        registry.add("relay.responder.delivery.wecom-api-base-url", WECOM::baseUrl);
        registry.add("relay.responder.delivery.allowed-hosts", WECOM::baseUrl);
    }

    @AfterAll
    static void stop() {
        WECOM.close();
        REDIS.close();
    }

    @Test
    void chunksWaitForRedisInsteadOfGoingToTheDeadLetterTopicAndEveryStreamCompletesAfterwards() {
        var before = TestChunks.stream("outage-passive");
        publish(before.last(1, 0, "热身"));
        await().atMost(WAIT).until(() -> "1".equals(field(before.streamId(), StreamStateKeys.FINISH)));

        REDIS.kill();
        var passive = TestChunks.stream("outage-passive");
        var webhook = TestChunks.stream("outage-webhook");
        publish(passive.append(1, 0, "你好"));
        publish(webhook.append(1, 0, "**答案**"));
        publish(passive.last(1, 1, "，世界"));
        publish(webhook.last(1, 1, "：42"));

        // far past the old budget: the two partitions' consumers failed again and again, and health says so
        await().atMost(WAIT).until(() -> transientFailures() >= 8);
        await().atMost(WAIT).until(() -> consumption.health().getStatus().equals(Status.DOWN));

        REDIS.startAgain();
        await().atMost(WAIT).until(() -> "1".equals(field(passive.streamId(), StreamStateKeys.FINISH)));
        assertThat(redis.<String, String>opsForHash().entries(StreamStateKeys.key(passive.streamId())))
                .containsEntry("content", "你好，世界").containsEntry("seq", "1");
        await().atMost(WAIT).until(() -> !WECOM.messagesTo(KEY).isEmpty());
        assertThat(WECOM.messagesTo(KEY)).singleElement().extracting(Message::content).isEqualTo("**答案**：42");
        await().atMost(WAIT).until(() -> consumption.health().getStatus().equals(Status.UP));

        Set<String> streams = Set.of(passive.streamId(), webhook.streamId());
        assertThat(TopicReader.all(Topics.CHUNKS.name() + ".dlt", record -> streams.contains(record.key()))).isEmpty();
        assertThat(TopicReader.all(Topics.DELIVERIES.name(), record -> webhook.streamId().equals(record.key())))
                .extracting(record -> ((DeliveryRecorded) EventSerde.any().deserialize(record.topic(), record.value())).outcome())
                .containsExactly(DeliveryOutcome.DELIVERED);
    }

    private void publish(ReplyChunk chunk) {
        kafka.send(Topics.CHUNKS.name(), chunk.streamId(), chunk);
    }

    private double transientFailures() {
        return meters.find("relay.responder.listener.transient_failures").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private String field(String streamId, String field) {
        try {
            return redis.<String, String>opsForHash().get(StreamStateKeys.key(streamId), field);
        } catch (RuntimeException e) {
            return null; // Redis not back yet
        }
    }
}
