package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.DefaultTexts;
import io.wecomrelay.schemas.event.DeliveryFailure;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Issue 13's acceptance test, responder side: hours of reply chunks and rejections of response_url and webhook
 * bots are on {@code wecom.chunks} and {@code wecom.rejected} before a responder with a new consumer group (the
 * same as resetting the group to the beginning) starts, against the in-JVM broker, real Redis and the WeCom
 * send-API simulator. Only the fresh replies reach WeCom; every old one is recorded skipped and counted.
 */
class ResponderReplayTest {

    static final WeComApiSimulator WECOM = WeComApiSimulator.start(Clock.systemUTC(), 20, Duration.ofSeconds(1));
    static final String WEBHOOK_KEY = "replay-key-" + UUID.randomUUID();
    static final String WEBHOOK_BOT = "replay-webhook";
    static final String URL_BOT = "replay-url";
    static final String PASSIVE_BOT = "replay-passive";
    /** A database of its own: other responders of this JVM fold the same topics into the default one. */
    static final int DATABASE = 5;

    @AfterAll
    static void stopSimulator() {
        WECOM.close();
    }

    @Test
    void aGroupResetToTheStartOfTheHistorySendsNoOldReplyAndCountsEachSkip() throws IOException {
        TestInfrastructure.createTopics(6, Topics.CHUNKS.name(), Topics.REJECTED.name(), Topics.DELIVERIES.name());
        WECOM.addWebhookKey(WEBHOOK_KEY);
        Instant now = Instant.now();
        List<RelayEvent> history = new ArrayList<>();

        // Given a day of history: replies nobody can receive any more (the limit is 1 h for both channels)...
        List<TestChunks> oldWebhook = new ArrayList<>();
        for (Duration age : List.of(Duration.ofHours(20), Duration.ofHours(5), Duration.ofMinutes(90))) {
            oldWebhook.add(finished(history, TestChunks.stream(WEBHOOK_BOT).receivedAt(now.minus(age)), "old webhook"));
        }
        // (one written by a worker from before chunks carried the receive time: dated by its own event time)
        TestChunks legacy = finished(history, TestChunks.stream(WEBHOOK_BOT).withoutReceiveTime(now.minus(Duration.ofHours(6))),
                "old webhook, older worker");
        oldWebhook.add(legacy);
        List<TestChunks> oldUrl = new ArrayList<>();
        for (Duration age : List.of(Duration.ofHours(23), Duration.ofMinutes(61))) {
            oldUrl.add(finished(history, TestChunks.stream(URL_BOT).receivedAt(now.minus(age))
                    .withResponseUrl(WECOM.newResponseUrl()), "old url"));
        }
        MessageRejected oldRejection = Events.rejected(WEBHOOK_BOT, "m-" + UUID.randomUUID(), now.minus(Duration.ofHours(10)),
                RejectReason.UNAUTHORIZED);
        MessageRejected oldUrlRejection = withResponseUrl(Events.rejected(URL_BOT, "m-" + UUID.randomUUID(),
                now.minus(Duration.ofHours(3)), RejectReason.RATE_LIMITED), WECOM.newResponseUrl());
        history.add(oldRejection);
        history.add(oldUrlRejection);
        TestChunks oldPassive = finished(history, TestChunks.stream(PASSIVE_BOT).receivedAt(now.minus(Duration.ofHours(4))),
                "old passive");
        // ...and the fresh replies, written last
        TestChunks freshWebhook = finished(history, TestChunks.stream(WEBHOOK_BOT).receivedAt(now), "fresh webhook");
        TestChunks freshUrl = finished(history, TestChunks.stream(URL_BOT).receivedAt(now.minus(Duration.ofMinutes(2)))
                .withResponseUrl(WECOM.newResponseUrl()), "fresh url");
        MessageRejected freshRejection = Events.rejected(WEBHOOK_BOT, "m-" + UUID.randomUUID(), now, RejectReason.UNAUTHORIZED);
        history.add(freshRejection);
        publish(history);

        // When a responder of a new consumer group starts from offset 0
        try (ConfigurableApplicationContext responder = start()) {
            MeterRegistry meters = responder.getBean(MeterRegistry.class);
            StringRedisTemplate redis = responder.getBean(StringRedisTemplate.class);

            // Then the fresh replies are delivered
            await().atMost(Duration.ofSeconds(30)).until(() -> WECOM.messagesTo(WEBHOOK_KEY).size() >= 2
                    && !WECOM.messagesTo(code(freshUrl)).isEmpty());
            // and every old one is skipped and counted for its bot
            await().atMost(Duration.ofSeconds(30)).until(() -> skipped(meters, WEBHOOK_BOT) == 5 && skipped(meters, URL_BOT) == 3);
            assertThat(skipped(meters, PASSIVE_BOT)).as("a streaming bot delivers nothing actively").isZero();
            assertThat(redis.<String, String>opsForHash().get(StreamStateKeys.key(oldPassive.streamId()), "finish"))
                    .as("the streams are still folded").isEqualTo("1");
            await().atMost(Duration.ofSeconds(30)).until(() -> drained(redis, WEBHOOK_BOT) && drained(redis, URL_BOT));
        }
        assertThat(WECOM.messagesTo(WEBHOOK_KEY)).extracting(Message::content)
                .containsExactlyInAnyOrder("fresh webhook " + freshWebhook.streamId(),
                        DefaultTexts.rejection(RejectReason.UNAUTHORIZED));
        assertThat(WECOM.messagesTo(code(freshUrl))).extracting(Message::content).containsExactly("fresh url " + freshUrl.streamId());
        for (TestChunks old : oldUrl) {
            assertThat(WECOM.messagesTo(code(old))).isEmpty();
        }
        assertThat(WECOM.messagesTo(code(oldUrlRejection.message().responseUrl()))).isEmpty();

        Map<String, List<DeliveryRecorded>> records = deliveries();
        List<String> oldStreams = new ArrayList<>();
        oldWebhook.forEach(stream -> oldStreams.add(stream.streamId()));
        oldUrl.forEach(stream -> oldStreams.add(stream.streamId()));
        oldStreams.add(oldRejection.streamId());
        oldStreams.add(oldUrlRejection.streamId());
        for (String streamId : oldStreams) {
            assertThat(records.get(streamId)).as("records of %s", streamId)
                    .extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason)
                    .containsExactly(tuple(DeliveryOutcome.SKIPPED, DeliveryFailure.TOO_OLD));
        }
        assertThat(records.get(oldUrl.get(0).streamId())).singleElement()
                .satisfies(record -> assertThat(record.receivedAt()).isEqualTo(oldUrl.get(0).receivedAt()));
        assertThat(records.get(legacy.streamId())).singleElement()
                .satisfies(record -> assertThat(record.receivedAt()).isEqualTo(legacy.writtenAt()));
        for (String streamId : List.of(freshWebhook.streamId(), freshUrl.streamId(), freshRejection.streamId())) {
            assertThat(records.get(streamId)).extracting(DeliveryRecorded::outcome).containsExactly(DeliveryOutcome.DELIVERED);
        }
        assertThat(records.get(freshUrl.streamId())).singleElement().satisfies(record -> assertThat(record.receivedAt())
                .isEqualTo(freshUrl.receivedAt().truncatedTo(ChronoUnit.MILLIS)));
    }

    /** A reply of two chunks, the last one finishing it; its text names the stream. */
    private static TestChunks finished(List<RelayEvent> history, TestChunks stream, String text) {
        history.add(stream.append(1, 0, text + " "));
        history.add(stream.last(1, 1, stream.streamId()));
        return stream;
    }

    private static MessageRejected withResponseUrl(MessageRejected rejected, String url) {
        InboundMessage original = rejected.message();
        var message = new InboundMessage(original.msgId(), original.msgType(), null, original.chatType(), null,
                original.userId(), url, original.body());
        return new MessageRejected(rejected.meta(), rejected.botId(), rejected.streamId(), message, rejected.receivedAt(),
                rejected.reason(), rejected.detail(), rejected.decision());
    }

    private static void publish(List<RelayEvent> history) {
        try (var producer = new KafkaProducer<String, RelayEvent>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()), new StringSerializer(), EventSerde.any())) {
            for (RelayEvent event : history) {
                String topic = event instanceof ReplyChunk ? Topics.CHUNKS.name() : Topics.REJECTED.name();
                producer.send(new ProducerRecord<>(topic, event.streamId(), event));
            }
            producer.flush();
        }
    }

    private static double skipped(MeterRegistry meters, String bot) {
        Counter counter = meters.find("relay.responder.deliveries.skipped").tag("bot", bot).tag("reason", "too_old").counter();
        return counter == null ? 0 : counter.count();
    }

    private static boolean drained(StringRedisTemplate redis, String bot) {
        Long length = redis.opsForStream().size("replay:outbox:" + bot);
        return length == null || length == 0;
    }

    private static Map<String, List<DeliveryRecorded>> deliveries() {
        EventSerde<RelayEvent> serde = EventSerde.any();
        return TopicReader.all(Topics.DELIVERIES.name(), record -> true).stream()
                .map(record -> serde.deserialize(record.topic(), record.value()))
                .filter(event -> Set.of(WEBHOOK_BOT, URL_BOT, PASSIVE_BOT).contains(event.botId()))
                .map(DeliveryRecorded.class::cast)
                .collect(Collectors.groupingBy(DeliveryRecorded::streamId));
    }

    private static String code(TestChunks stream) {
        return code(stream.route().responseUrl());
    }

    private static String code(String responseUrl) {
        return responseUrl.substring(responseUrl.indexOf('=') + 1);
    }

    private static ConfigurableApplicationContext start() throws IOException {
        URI redis = URI.create(TestInfrastructure.redisUrl());
        Map<String, String> settings = new HashMap<>();
        settings.put("spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers());
        settings.put("spring.kafka.consumer.group-id", "responder-replay-" + UUID.randomUUID());
        settings.put("spring.data.redis.url", redis.getScheme() + "://" + redis.getAuthority() + "/" + DATABASE);
        settings.put("relay.responder.bots-file", botsFile().toString());
        settings.put("relay.responder.delivery.wecom-api-base-url", WECOM.baseUrl());
        settings.put("relay.responder.delivery.allowed-hosts", WECOM.baseUrl());
        settings.put("relay.responder.delivery.max-reply-age", "1h");
        settings.put("relay.responder.delivery.request-timeout", "5s");
        settings.put("relay.responder.delivery.rate-limit.window", "1s");
        settings.put("relay.responder.delivery.outbox.key-prefix", "replay:");
        settings.put("relay.responder.delivery.outbox.lease-ttl", "10s");
        settings.put("relay.responder.delivery.outbox.poll-interval", "50ms");
        settings.put("relay.responder.delivery.outbox.error-backoff", "200ms");
        settings.put("relay.responder.listener.retries", "1");
        settings.put("relay.responder.listener.initial-backoff", "100ms");
        List<String> args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
        return new SpringApplicationBuilder(ResponderApplication.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    private static Path botsFile() throws IOException {
        String common = "    token: tok\n    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n";
        Path file = Files.createTempFile("replay-bots", ".yaml");
        Files.writeString(file, "bots:\n"
                + "  - id: " + WEBHOOK_BOT + "\n" + common + "    reply-mode: webhook\n    webhook-key: " + WEBHOOK_KEY + "\n"
                + "  - id: " + URL_BOT + "\n" + common + "    reply-mode: response_url\n"
                + "  - id: " + PASSIVE_BOT + "\n" + common);
        file.toFile().deleteOnExit();
        return file;
    }
}
