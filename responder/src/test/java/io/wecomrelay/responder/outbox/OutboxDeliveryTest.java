package io.wecomrelay.responder.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.responder.delivery.DeadLetters;
import io.wecomrelay.responder.delivery.DeliveryRecorder;
import io.wecomrelay.responder.delivery.RedisRateLimiter;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.RetryPolicy;
import io.wecomrelay.responder.delivery.WeComClient;
import io.wecomrelay.responder.materialize.RedisStreamStateStore;
import io.wecomrelay.responder.text.MarkdownSplitter;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The outbox with real Redis, the real broker and the WeCom send-API simulator (4 messages per second
 * per key). Each "instance" is the delivery stack of one responder process with its own consumer name;
 * a dead instance is simulated by reading jobs under a consumer name that never acknowledges them.
 * Every test uses its own key prefix.
 */
class OutboxDeliveryTest {

    static final String GROUP = "responder";
    static final String KEY_A = "key-a-" + UUID.randomUUID();
    static final String KEY_B = "key-b-" + UUID.randomUUID();
    static final int PERMITS = 4;
    static final Duration WINDOW = Duration.ofSeconds(1);
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NOTE = "\n\n（已截断）";

    static WeComApiSimulator wecom;
    static TestRedis redis;
    static StringRedisTemplate template;
    static KafkaTemplate<String, Object> kafka;
    static BotRegistry bots;
    static RedisStreamStateStore store;

    final String prefix = "test-outbox-" + UUID.randomUUID() + ":";
    final OutboxKeys keys = new OutboxKeys(prefix, GROUP);

    @BeforeAll
    static void start() throws IOException {
        wecom = WeComApiSimulator.start(Clock.systemUTC(), PERMITS, WINDOW);
        wecom.addWebhookKey(KEY_A);
        wecom.addWebhookKey(KEY_B);
        redis = new TestRedis();
        template = redis.template();
        TestInfrastructure.createTopics(1, Topics.DELIVERIES.name(), Topics.CHUNKS.deadLetter().name(),
                Topics.REJECTED.deadLetter().name());
        Map<Class<?>, Serializer<?>> byType = Map.of(byte[].class, new ByteArraySerializer(), RelayEvent.class, EventSerde.any());
        kafka = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new DelegatingByTypeSerializer(byType, true)));
        bots = new BotRegistryLoader(name -> null).load(botsFile());
        store = new RedisStreamStateStore(redis.reactive(), Clock.systemUTC(), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, NOTE);
    }

    @AfterAll
    static void stop() {
        kafka.destroy();
        redis.close();
        wecom.close();
    }

    @Test
    void aJobClaimedByAnInstanceThatDiedIsDeliveredOnceByAnother() {
        // Given a finished reply in the outbox, read by an instance that died holding the bot's lease
        var stream = TestChunks.stream("bot-a");
        queue(stream.last(1, 0, "answer of " + stream.streamId()));
        diedAfterReading("bot-a", "dead-instance");

        // When another instance runs
        try (var alive = instance("alive")) {
            // Then it claims the job once the lease and the job's idle time ran out, and delivers it once
            await().atMost(WAIT).until(() -> drained("bot-a"));
            assertThat(messagesOf(KEY_A, stream.streamId())).containsExactly("answer of " + stream.streamId());
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome)
                    .containsExactly(DeliveryOutcome.DELIVERED);
            assertThat(alive.meters().counter("responder.outbox.reclaimed").count()).isEqualTo(1);
            assertThat(template.<String, String>opsForHash().entries(keys.state(stream.streamId())))
                    .containsEntry("done", "delivered").containsEntry("part:1", "recorded");
        }
    }

    @Test
    void aPartWeComAcceptedBeforeTheInstanceDiedIsNotSentAgain() {
        // Given a two-part reply whose first part the dead instance got through (and marked) before dying
        var stream = TestChunks.stream("bot-a");
        String content = ("line of " + stream.streamId() + " 一行很长的文字。\n").repeat(80);
        queue(stream.last(1, 0, content));
        diedAfterReading("bot-a", "dead-instance");
        List<String> parts = MarkdownSplitter.split(content, ReplyDeliverer.WEBHOOK_MAX_BYTES);
        assertThat(parts).hasSize(2);
        new WeComClient(WebClient.create(), URI.create(wecom.baseUrl()), Duration.ofSeconds(5))
                .toWebhook(new Secret(KEY_A), parts.get(0)).block();
        template.opsForHash().put(keys.state(stream.streamId()), "part:1", "sent");

        // When another instance takes the job over
        try (var alive = instance("alive")) {
            await().atMost(WAIT).until(() -> drained("bot-a"));
        }

        // Then WeCom saw each part once, in order, and both parts are recorded as delivered
        assertThat(messagesOf(KEY_A, stream.streamId())).containsExactlyElementsOf(parts);
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::part, DeliveryRecorded::outcome,
                        DeliveryRecorded::detail)
                .containsExactly(tuple(1, DeliveryOutcome.DELIVERED, "ok (recorded after a restart)"),
                        tuple(2, DeliveryOutcome.DELIVERED, "ok"));
    }

    @Test
    void aJobWhoseOutcomeAnEarlierRunRecordedIsOnlyAcknowledged() {
        // Given a job whose outcome the dead instance recorded (and dead-lettered) before it could acknowledge it
        var stream = TestChunks.stream("bot-a");
        queue(stream.last(1, 0, "failed before " + stream.streamId()));
        diedAfterReading("bot-a", "dead-instance");
        template.opsForHash().put(keys.state(stream.streamId()), "done", "failed");

        // When another instance takes the job over
        try (var alive = instance("alive")) {
            await().atMost(WAIT).until(() -> drained("bot-a"));
        }

        // Then nothing is sent or recorded again
        assertThat(messagesOf(KEY_A, stream.streamId())).isEmpty();
        assertThat(deliveries(stream.streamId())).isEmpty();
    }

    @Test
    void twoInstancesKeepOneBotsRepliesInOrderAndWithinItsRate() {
        // Given 12 replies of one bot in its outbox; reply 4 is long (two parts), so 13 messages in all
        String marker = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 12; i++) {
            String text = String.format("%s reply-%02d", marker, i)
                    + (i == 4 ? ("\n" + marker + " 长回复的一行，需要分成两条消息发送。").repeat(100) : "");
            queue(TestChunks.stream("bot-b").last(1, 0, text));
        }

        // When two instances deliver, and the one holding the bot's lease stops after a few messages
        try (var first = instance("first"); var second = instance("second")) {
            await().atMost(WAIT).until(() -> messagesOf(KEY_B, marker).size() >= 5);
            String holder = template.opsForValue().get(keys.lease("bot-b"));
            (first.consumer().equals(holder) ? first : second).close();
            await().atMost(WAIT).until(() -> drained("bot-b"));

            // Then both delivered, every message arrived once and in order, and WeCom never saw too many
            assertThat(first.delivered() + second.delivered()).isEqualTo(12.0);
            assertThat(first.delivered()).isPositive();
            assertThat(second.delivered()).isPositive();
        }
        List<Message> sent = wecom.messagesTo(KEY_B).stream().filter(m -> m.content().contains(marker)).toList();
        assertThat(sent).hasSize(13);
        int index = 0;
        for (int i = 0; i < 12; i++) {
            assertThat(sent.get(index++).content()).startsWith(String.format("%s reply-%02d", marker, i));
            if (i == 4) {
                assertThat(sent.get(index++).content()).startsWith(marker + " 长回复的一行");
            }
        }
        for (int i = PERMITS; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - PERMITS).at(), sent.get(i).at())).isGreaterThanOrEqualTo(WINDOW);
        }
        assertThat(wecom.answers()).noneMatch(answer -> answer.target().equals(KEY_B)
                && answer.errcode() == WeComApiSimulator.FREQUENCY_LIMIT);
    }

    @Test
    void anExpiredResponseUrlIsRecordedAsFailedAndDeadLetteredWithoutATry() {
        // Given the rejection of a message that arrived two hours ago with a response_url (lifetime: 1 h)
        String url = wecom.newResponseUrl();
        MessageRejected rejected = withResponseUrl(Events.rejected("bot-url", "m-" + UUID.randomUUID(),
                Instant.now().minus(Duration.ofHours(2)), RejectReason.UNAUTHORIZED), url);
        store.rejectAndQueue(rejected, "无权使用", tickets().ticketFor(Topics.REJECTED.name(), rejected).orElseThrow());

        // When
        try (var instance = instance("only")) {
            await().atMost(WAIT).until(() -> drained("bot-url"));
        }

        // Then
        assertThat(wecom.messagesTo(url.substring(url.indexOf('=') + 1))).isEmpty();
        assertThat(deliveries(rejected.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::detail)
                .containsExactly(tuple(DeliveryOutcome.FAILED, "response_url expired"));
        assertThat(TopicReader.all(Topics.REJECTED.deadLetter().name(), record -> rejected.streamId().equals(record.key())))
                .singleElement().satisfies(record -> assertThat(TopicReader.header(record, DeadLetters.CHANNEL_HEADER))
                        .isEqualTo("RESPONSE_URL"));
    }

    @Test
    void anUnreadableJobIsMovedAsideAndTheBotsLaterJobsGoOn() {
        // Given a job without a source event ahead of a good one
        template.opsForStream().add(keys.outbox("bot-a"), Map.of("streamId", "s-broken", "content", "x"));
        var stream = TestChunks.stream("bot-a");
        queue(stream.last(1, 0, "after the broken one " + stream.streamId()));

        // When
        try (var instance = instance("only")) {
            await().atMost(WAIT).until(() -> drained("bot-a"));
        }

        // Then
        assertThat(messagesOf(KEY_A, stream.streamId())).hasSize(1);
        assertThat(template.opsForStream().range(keys.dead("bot-a"), Range.unbounded()))
                .singleElement().satisfies(dead -> assertThat(dead.getValue())
                        .containsEntry("streamId", "s-broken").containsEntry("reason", "no field sourceTopic"));
    }

    // --- helpers

    private void queue(ReplyChunk last) {
        store.foldAndQueue(last, tickets().ticketFor(Topics.CHUNKS.name(), last).orElseThrow());
    }

    private OutboxTickets tickets() {
        return new OutboxTickets(bots, keys, Duration.ofHours(1));
    }

    /** An instance that held the lease, read the bot's jobs into its pending list and died. */
    private void diedAfterReading(String botId, String consumer) {
        template.opsForValue().set(keys.lease(botId), consumer, Duration.ofMillis(1_500));
        template.opsForStream().createGroup(keys.outbox(botId), ReadOffset.from("0"), GROUP);
        var read = template.opsForStream().read(Consumer.from(GROUP, consumer), StreamReadOptions.empty().count(10),
                StreamOffset.create(keys.outbox(botId), ReadOffset.lastConsumed()));
        assertThat(read).isNotEmpty();
    }

    private boolean drained(String botId) {
        Long length = template.opsForStream().size(keys.outbox(botId));
        return length != null && length == 0;
    }

    private static List<String> messagesOf(String key, String marker) {
        return wecom.messagesTo(key).stream().map(Message::content).filter(content -> content.contains(marker)).toList();
    }

    private static List<DeliveryRecorded> deliveries(String streamId) {
        EventSerde<RelayEvent> serde = EventSerde.any();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.all(Topics.DELIVERIES.name(),
                record -> streamId.equals(record.key()));
        return records.stream().map(record -> (DeliveryRecorded) serde.deserialize(record.topic(), record.value())).toList();
    }

    private static MessageRejected withResponseUrl(MessageRejected rejected, String url) {
        InboundMessage original = rejected.message();
        var message = new InboundMessage(original.msgId(), original.msgType(), null, original.chatType(), null,
                original.userId(), url, original.body());
        return new MessageRejected(rejected.meta(), rejected.botId(), rejected.streamId(), message,
                rejected.receivedAt(), rejected.reason(), rejected.detail(), rejected.decision());
    }

    private Instance instance(String name) {
        var clock = Clock.systemUTC();
        var meters = new SimpleMeterRegistry();
        var outbox = new RedisOutbox(redis.reactive(), keys);
        var states = new DeliveryStates(redis.reactive(), keys, Duration.ofHours(1));
        var client = new WeComClient(WebClient.create(), URI.create(wecom.baseUrl()), Duration.ofSeconds(1));
        var limiter = new RedisRateLimiter(redis.reactive(), clock, UUID::randomUUID, prefix + "rate:", PERMITS,
                WINDOW.plusMillis(100), meters);
        var deliverer = new ReplyDeliverer(client, limiter, new DeliveryRecorder(kafka, clock, UUID::randomUUID, meters),
                new DeadLetters(kafka, meters), clock, new ReplyDeliverer.Settings(
                new RetryPolicy(4, Duration.ofMillis(100), 2.0, Duration.ofMillis(500)), Duration.ofHours(1), NOTE));
        String consumer = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        var settings = new OutboxSettings(consumer, Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(50),
                10, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(5));
        var delivery = new OutboxDelivery(bots, outbox, new OutboxJobRunner(outbox, states, deliverer, meters, settings),
                clock, settings);
        delivery.start();
        return new Instance(consumer, delivery, meters);
    }

    /** One responder process's delivery side. */
    private record Instance(String consumer, OutboxDelivery delivery, SimpleMeterRegistry meters) implements AutoCloseable {

        double delivered() {
            return meters.counter("responder.outbox.jobs", "outcome", "delivered").count();
        }

        @Override
        public void close() {
            delivery.close();
        }
    }

    private static Path botsFile() throws IOException {
        String common = "    token: tok\n    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n";
        String yaml = "bots:\n"
                + "  - id: bot-a\n" + common + "    reply-mode: webhook\n    webhook-key: " + KEY_A + "\n"
                + "  - id: bot-b\n" + common + "    reply-mode: webhook\n    webhook-key: " + KEY_B + "\n"
                + "  - id: bot-url\n" + common + "    reply-mode: response_url\n";
        Path file = Files.createTempFile("bots", ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return file;
    }
}
