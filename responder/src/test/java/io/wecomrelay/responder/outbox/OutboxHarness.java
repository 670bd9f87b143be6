package io.wecomrelay.responder.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.responder.delivery.AppMessageSender;
import io.wecomrelay.responder.delivery.AttachedImages;
import io.wecomrelay.responder.delivery.DeliveryRecorder;
import io.wecomrelay.responder.delivery.KeptRests;
import io.wecomrelay.responder.delivery.RedisSendRateLimiter;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.RetryPolicy;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.responder.delivery.WeComReplySender;
import io.wecomrelay.responder.materialize.RedisStreamStateWriter;
import io.wecomrelay.responder.materialize.RejectionMaterializer;
import io.wecomrelay.responder.materialize.RejectionTexts;
import io.wecomrelay.responder.materialize.ReplyPublisher;
import io.wecomrelay.responder.materialize.ReplyRecords;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import io.wecomrelay.support.apptoken.AccessTokens;
import io.wecomrelay.support.apptoken.RedisTemplateTokenStore;
import io.wecomrelay.support.apptoken.TokenApi;
import io.wecomrelay.support.apptoken.TokenMetrics;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.netty.http.client.HttpClient;

import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;

/**
 * The outbox's real surroundings for tests: real Redis, the real broker and the WeCom send-API simulator
 * limited to {@code permits} messages per {@code window} per key. Bots {@code bot-a} and {@code bot-b} are
 * webhook bots with keys {@link #KEY_A} and {@link #KEY_B}, {@code bot-url} a response_url bot, {@code bot-stream} a
 * streaming bot (its answers longer than a stream continue at the response_url), {@code bot-ws} a long-connection bot
 * (the connector sends its rest). Each test
 * works under its own key prefix ({@link Scope}); each "instance" is the delivery side of one responder process.
 */
final class OutboxHarness implements BeforeAllCallback, AfterAllCallback {

    static final String GROUP = "responder";
    static final String KEY_A = "key-a-" + UUID.randomUUID();
    static final String KEY_B = "key-b-" + UUID.randomUUID();
    static final String APP_CORP = "ww0123456789abcdef";
    static final int APP_AGENT = 1000002;
    static final String APP_SECRET = "app-secret-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Short, for the tests of claims and hand-overs, which polls drive. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** Longer than the harness's Redis client takes to reconnect after a short outage. */
    static final Duration IN_DOUBT_GRACE = Duration.ofSeconds(3);
    static final String NOTE = "\n\n（已截断）";
    static final OutboxLimits NO_LIMITS = limits(Duration.ofHours(1), 10_000);
    /** The reply age of tickets unless a test sets one: old enough for the outbox's own limits to be tested. */
    static final MaxReplyAge LENIENT = new MaxReplyAge(Duration.ofDays(30), Duration.ofDays(30));
    /** What every bot of the harness has besides its id and kind. */
    private static final String COMMON = "    token: tok\n    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
            + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n";

    final int permits;
    final Duration window;
    private final @Nullable Supplier<String> ownRedisUrl;
    WeComApiSimulator wecom;
    TestRedis redis;
    StringRedisTemplate template;
    KafkaTemplate<String, Object> kafka;
    BotRegistry bots;
    RedisStreamStateWriter store;

    /** Started before a test class's tests, closed after them ({@code @RegisterExtension static}). */
    OutboxHarness(int permits, Duration window) {
        this(permits, window, null);
    }

    /** On a Redis of the test's own, at {@code redisUrl}, that the test may kill and start again. */
    OutboxHarness(int permits, Duration window, @Nullable Supplier<String> redisUrl) {
        this.permits = permits;
        this.window = window;
        this.ownRedisUrl = redisUrl;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        wecom = WeComApiSimulator.start(Clock.systemUTC(), permits, window);
        wecom.addWebhookKey(KEY_A);
        wecom.addWebhookKey(KEY_B);
        wecom.apps().addApp(APP_CORP, APP_SECRET, APP_AGENT);
        redis = ownRedisUrl == null ? new TestRedis() : new TestRedis(ownRedisUrl.get(), Duration.ofMillis(500));
        template = redis.template();
        TestInfrastructure.createTopics(1, Topics.DELIVERIES.name(), Topics.REPLIES.name(), Topics.CHUNKS.deadLetter().name(),
                Topics.REJECTED.deadLetter().name());
        Map<Class<?>, Serializer<?>> byType = Map.of(byte[].class, new ByteArraySerializer(), RelayEvent.class, EventSerde.any());
        kafka = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new DelegatingByTypeSerializer(byType, true)));
        // the first call of each client opens its connection: done here, not inside a test's bounded wait
        template.hasKey("warm-up");
        kafka.partitionsFor(Topics.DELIVERIES.name());
        bots = new BotRegistryLoader(name -> null).load(botsFile());
        store = new RedisStreamStateWriter(redis.reactive(), Clock.systemUTC(), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, NOTE, new RedisStreamStateWriter.Replies("test-reply:", Duration.ofHours(1)));
    }

    /** The rejection listener as the responder wires it, queueing with {@code scope}'s tickets. */
    RejectionMaterializer rejections(Scope scope) {
        var meters = new SimpleMeterRegistry();
        return new RejectionMaterializer(store, scope.tickets(),
                new ReplyRecords(bots, ReplyPublisher.to(kafka), store, Clock.systemUTC(), meters),
                new RejectionTexts(bots, StreamStateKeys.MAX_CONTENT_BYTES, NOTE), meters);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kafka.destroy();
        redis.close();
        wecom.close();
    }

    /** A fresh key prefix: what one test writes and reads. */
    Scope scope() {
        return new Scope(new OutboxKeys("test-outbox-" + UUID.randomUUID() + ":", GROUP), Duration.ofMinutes(1), LENIENT,
                Duration.ofHours(1), POLL_INTERVAL, true, Duration.ofSeconds(5));
    }

    /** Outbox limits with one maximum reply age for both channels. */
    static OutboxLimits limits(Duration maxReplyAge, int maxDepthPerBot) {
        return new OutboxLimits(new MaxReplyAge(maxReplyAge, maxReplyAge), maxDepthPerBot);
    }

    /** Every delivery record of the stream on {@code wecom.deliveries} so far. */
    static List<DeliveryRecorded> deliveries(String streamId) {
        return deliveries(Set.of(streamId)).getOrDefault(streamId, List.of());
    }

    /** Every delivery record of these streams on {@code wecom.deliveries} so far, by stream id, in one read. */
    static Map<String, List<DeliveryRecorded>> deliveries(Set<String> streamIds) {
        EventSerde<RelayEvent> serde = EventSerde.any();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.all(Topics.DELIVERIES.name(),
                record -> streamIds.contains(record.key()));
        return records.stream().map(record -> (DeliveryRecorded) serde.deserialize(record.topic(), record.value()))
                .collect(Collectors.groupingBy(DeliveryRecorded::streamId));
    }

    /** The dead letters of the stream on {@code topic}'s dead-letter topic so far. */
    static List<ConsumerRecord<String, byte[]>> deadLetters(TopicSpec topic, String streamId) {
        return TopicReader.all(topic.deadLetter().name(), record -> streamId.equals(record.key()));
    }

    /** The worker's side of an attached image: its base64 in Redis under its key, for one more minute. */
    ReplyImage storedImage(TestChunks stream, int index, byte[] bytes, ImageFormat format) {
        String key = StreamStateKeys.imageKey(stream.streamId(), 1, index);
        var image = StreamImage.of(bytes);
        template.opsForValue().set(key, image.base64(), Duration.ofMinutes(1));
        return new ReplyImage(key, image.md5(), bytes.length, format);
    }

    /** The last chunk as the worker publishes it with attached images. */
    static ReplyChunk withImages(ReplyChunk last, ReplyImage... images) {
        return last.withImages(ChunkKind.REPLACE, last.text(), List.of(), List.of(images));
    }

    List<String> messagesOf(String key, String marker) {
        return wecom.messagesTo(key).stream().map(Message::content).filter(content -> content.contains(marker)).toList();
    }

    /** The simulator's target of a response_url: its response code. */
    static String code(String responseUrl) {
        return responseUrl.substring(responseUrl.indexOf('=') + 1);
    }

    static MessageRejected withResponseUrl(MessageRejected rejected, String url) {
        InboundMessage original = rejected.message();
        var message = new InboundMessage(original.msgId(), original.msgType(), null, original.chatType(), null,
                original.userId(), url, original.body());
        return new MessageRejected(rejected.meta(), rejected.botId(), rejected.streamId(), message,
                rejected.receivedAt(), rejected.reason(), rejected.detail(), rejected.decision());
    }

    /** {@code count} webhook bots {@code many-0}, {@code many-1}, … sending with {@link #KEY_A}. */
    static BotRegistry webhookBots(int count) throws IOException {
        var yaml = new StringBuilder("bots:\n");
        for (int i = 0; i < count; i++) {
            yaml.append("  - id: many-").append(i).append('\n').append(COMMON).append("    reply-mode: webhook\n")
                    .append("    webhook-key: ").append(KEY_A).append('\n');
        }
        Path file = Files.createTempFile("bots", ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return new BotRegistryLoader(name -> null).load(file);
    }

    private static Path botsFile() throws IOException {
        String yaml = "bots:\n"
                + "  - id: bot-a\n" + COMMON + "    reply-mode: webhook\n    webhook-key: " + KEY_A + "\n"
                + "  - id: bot-b\n" + COMMON + "    reply-mode: webhook\n    webhook-key: " + KEY_B + "\n"
                + "  - id: bot-url\n" + COMMON + "    reply-mode: response_url\n"
                + "  - id: bot-stream\n" + COMMON + "    reply-mode: passive_stream\n"
                + "  - id: bot-stream-cut\n" + COMMON + "    reply-mode: passive_stream\n    continue-words: []\n"
                + "  - id: bot-ws\n    connection: long-connection\n    secret: ws-secret\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n"
                + "  - id: bot-app\n" + COMMON + "    kind: app\n    corp-id: " + APP_CORP + "\n    agent-id: " + APP_AGENT
                + "\n    secret: " + APP_SECRET + "\n";
        Path file = Files.createTempFile("bots", ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return file;
    }

    /** One test's keys, and how its instances are set up. */
    final class Scope {

        final OutboxKeys keys;
        final Duration noticeWindow;
        final MaxReplyAge maxReplyAge;
        /** How long the rest of a long answer is kept for a continue word. */
        final Duration restTtl;
        final SimpleMeterRegistry ticketMeters = new SimpleMeterRegistry();
        /** How often an instance's idle workers poll. */
        final Duration pollInterval;
        /** Whether instances listen for the announcements of queued jobs. */
        final boolean signals;
        /** How long an instance's stop waits for its workers. */
        final Duration shutdownGrace;

        private Scope(OutboxKeys keys, Duration noticeWindow, MaxReplyAge maxReplyAge, Duration restTtl,
                      Duration pollInterval, boolean signals, Duration shutdownGrace) {
            this.keys = keys;
            this.noticeWindow = noticeWindow;
            this.maxReplyAge = maxReplyAge;
            this.restTtl = restTtl;
            this.pollInterval = pollInterval;
            this.signals = signals;
            this.shutdownGrace = shutdownGrace;
        }

        Scope withNoticeWindow(Duration window) {
            return new Scope(keys, window, maxReplyAge, restTtl, pollInterval, signals, shutdownGrace);
        }

        Scope withMaxReplyAge(MaxReplyAge age) {
            return new Scope(keys, noticeWindow, age, restTtl, pollInterval, signals, shutdownGrace);
        }

        Scope withRestTtl(Duration ttl) {
            return new Scope(keys, noticeWindow, maxReplyAge, ttl, pollInterval, signals, shutdownGrace);
        }

        Scope withPollInterval(Duration interval) {
            return new Scope(keys, noticeWindow, maxReplyAge, restTtl, interval, signals, shutdownGrace);
        }

        Scope withoutSignals() {
            return new Scope(keys, noticeWindow, maxReplyAge, restTtl, pollInterval, false, shutdownGrace);
        }

        Scope withShutdownGrace(Duration grace) {
            return new Scope(keys, noticeWindow, maxReplyAge, restTtl, pollInterval, signals, grace);
        }

        OutboxTickets tickets() {
            return tickets(bots);
        }

        private OutboxTickets tickets(BotRegistry registry) {
            return new OutboxTickets(() -> registry, keys, Duration.ofHours(1),
                    new RateLimitNotices(redis.reactive(), keys, noticeWindow, ticketMeters),
                    new TooOldReplies(maxReplyAge, new DeliveryRecorder(kafka, Clock.systemUTC(), UUID::randomUUID,
                            ticketMeters), Clock.systemUTC(), ticketMeters));
        }

        void queue(ReplyChunk last) {
            queue(last, bots);
        }

        /** Queued as an instance with the bots of {@code registry} does. */
        void queue(ReplyChunk last, BotRegistry registry) {
            store.foldAndQueue(last, tickets(registry).ticketFor(Topics.CHUNKS.name(), last).orElseThrow());
        }

        void queue(MessageRejected rejected) {
            store.rejectAndQueue(rejected, "无权使用", tickets().ticketFor(Topics.REJECTED.name(), rejected).orElseThrow());
        }

        boolean drained(String botId) {
            Long length = template.opsForStream().size(keys.outbox(botId));
            return length != null && length == 0;
        }

        /** The consumer holding the bot's lease, or null. */
        @Nullable String leaseHolder(String botId) {
            return template.opsForValue().get(keys.lease(botId));
        }

        /** Whether the bot's outbox was polled (the first poll creates it) and is empty. */
        boolean polledEmpty(String botId) {
            return Boolean.TRUE.equals(template.hasKey(keys.outbox(botId))) && drained(botId);
        }

        /** An instance that held the lease, read the bot's jobs into its pending list and died. */
        void diedAfterReading(String botId, String consumer) {
            template.opsForValue().set(keys.lease(botId), consumer, Duration.ofMillis(1_500));
            template.opsForStream().createGroup(keys.outbox(botId), ReadOffset.from("0"), GROUP);
            var read = template.opsForStream().read(Consumer.from(GROUP, consumer), StreamReadOptions.empty().count(10),
                    StreamOffset.create(keys.outbox(botId), ReadOffset.lastConsumed()));
            assertThat(read).isNotEmpty();
        }

        /** A client of the simulator as an instance has it. */
        WeComReplySender client(List<String> allowedHosts) {
            return new WeComReplySender(HttpClient.create(), OutboundPolicy.of(allowedHosts), URI.create(wecom.baseUrl()),
                    Duration.ofSeconds(1));
        }

        /** An app sender of the simulator as an instance has it; instances of one scope share the tokens. */
        AppMessageSender appSender(List<String> allowedHosts, MeterRegistry meters) {
            WebClient http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(
                    GuardedHttpClient.guard(HttpClient.create(), OutboundPolicy.of(allowedHosts)))).build();
            URI base = URI.create(wecom.baseUrl());
            var tokens = new AccessTokens(new RedisTemplateTokenStore(redis.reactive()), new TokenApi(http, base,
                    Duration.ofSeconds(1)), Clock.systemUTC(), UUID::randomUUID,
                    TokenMetrics.counters(meters, "relay.responder.app.tokens"), new AccessTokens.Settings(keys.prefix() + "app-token:",
                    Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(20)));
            return new AppMessageSender(http, tokens, base, Duration.ofSeconds(1));
        }

        Instance instance(String name) {
            return instance(name, List.of(wecom.baseUrl()), NO_LIMITS);
        }

        Instance instance(String name, List<String> allowedHosts, OutboxLimits limits) {
            return instance(name, allowedHosts, limits, bots);
        }

        /** An instance that delivers for the bots of {@code registry} instead of the harness's. */
        Instance instance(String name, BotRegistry registry) {
            return instance(name, List.of(wecom.baseUrl()), NO_LIMITS, registry);
        }

        private Instance instance(String name, List<String> allowedHosts, OutboxLimits limits, BotRegistry registry) {
            var clock = Clock.systemUTC();
            var meters = new SimpleMeterRegistry();
            var outbox = new RedisOutbox(redis.reactive(), keys);
            var states = new DeliveryStates(redis.reactive(), keys, Duration.ofHours(1));
            var limiter = new RedisSendRateLimiter(redis.reactive(), clock, UUID::randomUUID, keys.prefix() + "rate:", permits,
                    window.plusMillis(100), meters);
            var deliverer = new ReplyDeliverer(client(allowedHosts), appSender(allowedHosts, meters), limiter,
                    new DeliveryRecorder(kafka, clock, UUID::randomUUID, meters),
                    new UndeliverableReplies(kafka, new DeadLetterScheme("wecom-relay-responder", clock, meters)),
                    new AttachedImages(redis.reactive(), Duration.ofSeconds(5), meters),
                    new KeptRests(redis.reactive(), new KeptRests.Settings(KeptRests.DEFAULT_NOTE, restTtl), meters), clock,
                    new ReplyDeliverer.Settings(new RetryPolicy(4, Duration.ofMillis(100), 2.0, Duration.ofMillis(500)),
                            Duration.ofHours(1), NOTE, RedisStreamStateWriter.Cuts.DEFAULT_CONTINUED_NOTE));
            String consumer = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            var settings = new OutboxSettings(consumer, Duration.ofSeconds(2), Duration.ofMillis(500), pollInterval,
                    10, Duration.ofMillis(200), Duration.ofSeconds(1), IN_DOUBT_GRACE, shutdownGrace);
            OutboxSignals announcements = signals
                    ? new RedisOutboxSignals(redis.reactive(), keys, Duration.ofMillis(200), meters) : OutboxSignals.NONE;
            var delivery = new OutboxDelivery(() -> registry, outbox,
                    new OutboxJobRunner(outbox, states, deliverer, meters, settings, limits, clock), clock, settings,
                    announcements);
            delivery.start();
            return new Instance(consumer, delivery, meters);
        }
    }

    /** One responder process's delivery side. */
    record Instance(String consumer, OutboxDelivery delivery, SimpleMeterRegistry meters) implements AutoCloseable {

        double delivered() {
            return meters.counter("relay.responder.outbox.jobs", "outcome", "delivered").count();
        }

        double dropped(String botId, String reason) {
            return meters.counter("relay.responder.outbox.dropped", "bot", botId, "reason", reason).count();
        }

        @Override
        public void close() {
            delivery.stop();
        }
    }
}
