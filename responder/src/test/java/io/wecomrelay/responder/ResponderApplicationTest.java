package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.responder.materialize.ReplyRecords;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.bot.DefaultTexts;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.event.UnknownEventTypeException;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The responder over the real broker, real Redis and a local WeCom send-API simulator limited to
 * 5 messages per second per webhook key (instead of 20 per minute, so the test takes seconds).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ResponderApplicationTest {

    static final String GOOD_KEY = "key-" + UUID.randomUUID();
    static final WeComApiSimulator WECOM = WeComApiSimulator.start(Clock.systemUTC(), 5, Duration.ofSeconds(1));
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String COMMON = "    token: tok\n    aes-key: " + AES_KEY + "\n    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n";
    static final String OUTBOX_PREFIX = "test-" + UUID.randomUUID() + ":";
    static final String APP_CORP = "ww0123456789abcdef";
    static final int APP_AGENT = 1000002;
    static final String APP_SECRET = "app-secret-" + UUID.randomUUID();
    static final Path BOTS = botsFile();

    @Autowired
    KafkaTemplate<String, Object> kafka;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    MeterRegistry meters;
    @Autowired
    BotsFile bots;
    @Autowired
    ConcurrentMessageListenerContainer<String, RelayEvent> chunksContainer;
    @Autowired
    ConcurrentMessageListenerContainer<String, RelayEvent> rejectionsContainer;
    @Autowired
    KafkaProperties kafkaProperties;
    @Autowired
    ReplyRecords replyRecords;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        WECOM.addWebhookKey(GOOD_KEY);
        WECOM.apps().addApp(APP_CORP, APP_SECRET, APP_AGENT);
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        // every test here also holds with the batching knobs on (issue 22): folds come up to 20 ms later
        registry.add("relay.responder.listener.chunk-fetch-wait", () -> "20ms");
        registry.add("relay.responder.listener.commit-interval", () -> "100ms");
        registry.add("spring.kafka.consumer.group-id", () -> "responder-test-" + UUID.randomUUID());
        registry.add("spring.data.redis.url", TestInfrastructure::redisUrl);
        registry.add("relay.responder.bots-file", BOTS::toString);
        registry.add("relay.responder.bots-reload-interval", () -> "100ms");
        registry.add("relay.responder.delivery.wecom-api-base-url", WECOM::baseUrl);
        registry.add("relay.responder.delivery.allowed-hosts", WECOM::baseUrl);
        registry.add("relay.responder.delivery.rate-limit.permits", () -> "5");
        registry.add("relay.responder.delivery.rate-limit.window", () -> "1s");
        registry.add("relay.responder.delivery.rate-limit.margin", () -> "300ms");
        registry.add("relay.responder.delivery.rate-limit.key-prefix", () -> "test-rate-" + UUID.randomUUID() + ":");
        registry.add("relay.responder.delivery.retry.initial-backoff", () -> "100ms");
        registry.add("relay.responder.delivery.retry.max-backoff", () -> "500ms");
        registry.add("relay.responder.delivery.request-timeout", () -> "1s");
        registry.add("relay.responder.delivery.outbox.key-prefix", () -> OUTBOX_PREFIX);
        registry.add("relay.responder.delivery.outbox.lease-ttl", () -> "3s");
        registry.add("relay.responder.delivery.outbox.claim-min-idle", () -> "1s");
        registry.add("relay.responder.delivery.outbox.poll-interval", () -> "50ms");
        registry.add("relay.responder.delivery.outbox.error-backoff", () -> "200ms");
        registry.add("relay.responder.listener.retries", () -> "1");
        registry.add("relay.responder.listener.initial-backoff", () -> "100ms");
    }

    @AfterAll
    static void stopSimulator() {
        WECOM.close();
    }

    @Test
    void foldsPublishedChunksIntoRedis() {
        var stream = TestChunks.stream("bot-passive");

        publish(stream.append(1, 0, "你好"));
        publish(stream.append(1, 0, "你好"));          // redelivered
        publish(stream.append(1, 1, "，世界"));
        publish(stream.last(1, 2, "！"));

        await().atMost(WAIT).until(() -> "1".equals(field(stream.streamId(), StreamStateKeys.FINISH)));
        assertThat(state(stream.streamId())).containsEntry("content", "你好，世界！").containsEntry("seq", "2");
    }

    @Test
    void aPollsOffsetsAreCommittedWithoutHoldingTheNextPollAndOnlyAfterItsChunksAreFolded() throws Exception {
        // issue 16: a synchronous commit, and a producer lingering before a poll's reply records, held every chunk
        // behind them on the partition
        assertThat(chunksContainer.getContainerProperties().isSyncCommits()).isFalse();
        assertThat(kafkaProperties.buildProducerProperties()).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0");

        var stream = TestChunks.stream("bot-passive");
        publish(stream.append(1, 0, "先"));
        RecordMetadata last = kafka.send(Topics.CHUNKS.name(), stream.streamId(), stream.last(1, 1, "后")).get().getRecordMetadata();
        await().atMost(WAIT).until(() -> "1".equals(field(stream.streamId(), StreamStateKeys.FINISH)));
        // an asynchronous commit still arrives: the group resumes after the last chunk, not before it
        var partition = new TopicPartition(last.topic(), last.partition());
        await().atMost(WAIT).until(() -> committed(partition) > last.offset());
        assertThat(state(stream.streamId())).containsEntry("content", "先后");
    }

    @Test
    void withTheKnobsSetChunkFetchesWaitAndOffsetsAreCommittedOnATimerNotPerPoll() {
        // issue 22: the commit test above shows that a timed commit still arrives, and only after the fold
        assertThat(chunksContainer.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.TIME);
        assertThat(chunksContainer.getContainerProperties().getAckTime()).isEqualTo(100);
        assertThat(chunksContainer.getContainerProperties().getKafkaConsumerProperties())
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20")
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(1024 * 1024));
        // the rejection consumers are idle most of the time: a held fetch would wake them every 20 ms
        assertThat(rejectionsContainer.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.TIME);
        assertThat(rejectionsContainer.getContainerProperties().getKafkaConsumerProperties()).isEmpty();
    }

    /** The responder group's committed offset of {@code partition}, or -1 for none. */
    private long committed(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            // the container's group: the registered property makes a new group id each time it is read
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(chunksContainer.getGroupId())
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = offsets.get(partition);
            return offset == null ? -1 : offset.offset();
        }
    }

    @Test
    void turnsARejectionIntoAFinishedStreamWithTheBotsTextAndLeavesDuplicatesAlone() {
        // Given a duplicate's stream that ingress seeded, and a rejection behind it on the same partition
        MessageRejected duplicate = rejection("bot-passive", RejectReason.DUPLICATE);
        redis.opsForHash().putIfAbsent(StreamStateKeys.key(duplicate.streamId()), StreamStateKeys.CREATED, "1");
        MessageRejected limited = rejection("bot-passive", RejectReason.RATE_LIMITED);

        // When
        kafka.send(Topics.REJECTED.name(), duplicate.streamId(), duplicate);
        kafka.send(Topics.REJECTED.name(), duplicate.streamId(), limited);

        // Then
        await().atMost(WAIT).until(() -> "1".equals(field(limited.streamId(), StreamStateKeys.FINISH)));
        assertThat(state(limited.streamId())).containsEntry("content", "慢一点 (slow down)");
        assertThat(state(duplicate.streamId())).containsOnlyKeys(StreamStateKeys.CREATED);
    }

    /**
     * Issue 14: the connector pushes a long-connection bot's stream when told it changed. Every fold of such a bot's
     * stream (chunks and rejections alike) is followed by a stream-changed notice on wecom.outbound keyed by the bot
     * id, so it lands on the partition whose owner holds the bot's socket; a callback bot's fold sends none.
     */
    @Test
    void foldsOfALongConnectionBotsStreamsAreNoticedOnWecomOutboundKeyedByTheBotAndCallbackBotsAreNot() {
        var ws = TestChunks.stream("bot-ws");
        var callback = TestChunks.stream("bot-passive");
        MessageRejected limited = rejection("bot-ws", RejectReason.RATE_LIMITED);

        publish(callback.last(1, 0, "回调"));
        publish(ws.append(1, 0, "长"));
        publish(ws.last(1, 1, "连接"));
        kafka.send(Topics.REJECTED.name(), limited.streamId(), limited);

        for (String streamId : List.of(ws.streamId(), callback.streamId(), limited.streamId())) {
            await().atMost(WAIT).until(() -> "1".equals(field(streamId, StreamStateKeys.FINISH)));
        }
        var notices = TopicReader.await(Topics.OUTBOUND.name(), record -> "bot-ws".equals(record.key()), 2, WAIT).stream()
                .map(record -> (StreamChanged) EventSerde.any().deserializer().deserialize(record.topic(), record.value()))
                .toList();
        assertThat(notices).extracting(StreamChanged::streamId).contains(ws.streamId(), limited.streamId());
        assertThat(notices).allMatch(notice -> notice.botId().equals("bot-ws"));
        assertThat(notices).extracting(StreamChanged::policyVersion).as("the bot settings in the file")
                .containsOnly(new BotRegistryLoader(System::getenv).load(BOTS).find("bot-ws").orElseThrow().policyVersion());
        await().atMost(WAIT).until(() -> meters.counter("relay.responder.stream.notices", "outcome", "sent").count() >= 2);
        assertThat(TopicReader.all(Topics.OUTBOUND.name(), record -> new String(record.value(), StandardCharsets.UTF_8)
                .contains(callback.streamId()))).as("notices of a callback bot").isEmpty();
    }

    @Test
    void leavesRejectedEventsAloneBecauseIngressAnsweredThemItself() {
        // Given an enter_chat event the processor rejected as UNSUPPORTED, and a rate-limited message behind it
        MessageRejected message = rejection("bot-passive", RejectReason.RATE_LIMITED);
        var body = io.wecomrelay.schemas.event.EventSerde.mapper().createObjectNode().put("msgtype", "event");
        var event = new io.wecomrelay.schemas.event.InboundMessage("ev-" + UUID.randomUUID(), "event", "enter_chat",
                io.wecomrelay.schemas.event.ChatType.SINGLE, null, "zhangsan", null, body);
        MessageRejected enterChat = new MessageRejected(message.meta(), "bot-passive",
                io.wecomrelay.schemas.ids.StreamIds.of("bot-passive", event.msgId()), event, message.receivedAt(),
                RejectReason.UNSUPPORTED, "event enter_chat", message.decision());

        // When
        kafka.send(Topics.REJECTED.name(), enterChat.streamId(), enterChat);
        kafka.send(Topics.REJECTED.name(), enterChat.streamId(), message);

        // Then: the message's stream finishes, the event's stream never exists
        await().atMost(WAIT).until(() -> "1".equals(field(message.streamId(), StreamStateKeys.FINISH)));
        assertThat(state(enterChat.streamId())).isEmpty();
    }

    @Test
    void sendsPoisonRecordsToTheDeadLetterTopicAndGoesOn() {
        var stream = TestChunks.stream("bot-passive");
        double deadLettersBefore = deadLetters(Topics.CHUNKS.name());
        // a reply's text cut off mid-record: the parser's error must not carry it into the logs
        String cutOff = "{\"type\":\"reply-chunk.v1\",\"text\":\"答复里的机密 confidential-reply-text";
        List<ConsumerRecord<String, byte[]>> dead;
        try (var logs = new LogCapture()) {
            try (var raw = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestInfrastructure.kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(Topics.CHUNKS.name(), stream.streamId(), cutOff.getBytes(StandardCharsets.UTF_8)));
                raw.send(new ProducerRecord<>(Topics.CHUNKS.name(), stream.streamId(),
                        "{\"type\":\"reply-chunk.v99\"}".getBytes(StandardCharsets.UTF_8)));
            }
            publish(stream.last(1, 0, "still here"));

            await().atMost(WAIT).until(() -> "1".equals(field(stream.streamId(), StreamStateKeys.FINISH)));
            dead = TopicReader.await(Topics.CHUNKS.deadLetter().name(),
                    record -> stream.streamId().equals(record.key()), 2, WAIT);
            assertThat(logs.lines()).noneMatch(line -> line.contains("confidential-reply-text") || line.contains("机密"));
        }
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(cutOff);
        assertThat(dead).allSatisfy(record -> {
            assertThat(TopicReader.header(record, DeadLetterHeaders.EXCEPTION)).isNotBlank();
            assertThat(TopicReader.header(record, DeadLetterHeaders.TOPIC)).isEqualTo(Topics.CHUNKS.name());
            assertThat(TopicReader.header(record, DeadLetterHeaders.PARTITION)).isNotBlank();
            assertThat(TopicReader.header(record, DeadLetterHeaders.OFFSET)).isNotBlank();
            assertThat(TopicReader.header(record, DeadLetterHeaders.SERVICE)).isEqualTo("wecom-relay-responder");
            assertThat(TopicReader.header(record, DeadLetterHeaders.AT)).isNotBlank();
            assertThat(record.headers().toArray()).noneMatch(header -> header.key().startsWith("kafka_dlt"));
        });
        assertThat(TopicReader.header(dead.get(1), DeadLetterHeaders.EXCEPTION)).isEqualTo(UnknownEventTypeException.class.getName());
        await().atMost(WAIT).until(() -> deadLetters(Topics.CHUNKS.name()) - deadLettersBefore == 2);
        assertThat(meters.get(DeadLetterScheme.METRIC).tags("service", "wecom-relay-responder", "topic", Topics.CHUNKS.name(),
                "cause", UnknownEventTypeException.class.getSimpleName()).counter().count()).isPositive();
    }

    @Test
    void aStrayEventAmongChunksGoesToTheDeadLetterTopicAndTheChunksAroundItAreFoldedOnce() {
        // Given chunks of three streams on one partition, so that they are polled together, and a rejection
        // (not a chunk) among them
        List<TestChunks> streams = List.of(TestChunks.stream("bot-passive"), TestChunks.stream("bot-passive"),
                TestChunks.stream("bot-passive"));
        MessageRejected stray = rejection("bot-passive", RejectReason.UNSUPPORTED);
        double duplicatesBefore = chunks("duplicate");
        double appliedBefore = chunks("applied");

        // When
        for (int seq = 0; seq < 3; seq++) {
            for (TestChunks stream : streams) {
                if (seq == 1 && stream == streams.get(1)) {
                    kafka.send(Topics.CHUNKS.name(), 0, stray.streamId(), stray);
                }
                ReplyChunk chunk = seq == 2 ? stream.last(1, seq, "-" + seq) : stream.append(1, seq, "-" + seq);
                kafka.send(Topics.CHUNKS.name(), 0, chunk.streamId(), chunk);
            }
        }

        // Then every stream is complete, the stray record is dead-lettered, and no chunk was folded twice
        for (TestChunks stream : streams) {
            await().atMost(WAIT).until(() -> "1".equals(field(stream.streamId(), StreamStateKeys.FINISH)));
            assertThat(state(stream.streamId())).containsEntry("content", "-0-1-2");
        }
        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(Topics.CHUNKS.deadLetter().name(),
                record -> stray.streamId().equals(record.key()), 1, WAIT);
        assertThat(dead).singleElement().satisfies(record ->
                assertThat(TopicReader.header(record, DeadLetterHeaders.MESSAGE)).contains("unexpected MessageRejected"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(chunks("applied") - appliedBefore).isEqualTo(6));
        assertThat(chunks("duplicate") - duplicatesBefore).isZero();
    }

    @Test
    void delivers25WebhookRepliesOfOneBotInOrderWithinTheRateLimit() {
        // Given 25 replies that finish one after another; replies 5 and 17 are long (two parts each)
        int before = WECOM.messagesTo(GOOD_KEY).size();
        for (int i = 0; i < 25; i++) {
            var stream = TestChunks.stream("bot-webhook");
            String body = (i == 5 || i == 17) ? "\n" + "长回复的一行，需要分成两条消息发送。\n".repeat(120) : "";
            publish(stream.append(1, 0, String.format("reply-%02d", i)));
            publish(stream.last(1, 1, body));
            await().atMost(WAIT).until(() -> "1".equals(field(stream.streamId(), StreamStateKeys.FINISH)));
        }

        // When all 27 messages arrived
        await().atMost(WAIT).until(() -> WECOM.messagesTo(GOOD_KEY).size() - before >= 27);

        // Then they came in order, parts together, and no 5 in any second
        List<Message> sent = WECOM.messagesTo(GOOD_KEY).subList(before, before + 27);
        int index = 0;
        for (int i = 0; i < 25; i++) {
            assertThat(sent.get(index++).content()).startsWith(String.format("reply-%02d", i));
            if (i == 5 || i == 17) {
                assertThat(sent.get(index++).content()).startsWith("长回复的一行");
            }
        }
        for (int i = 5; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - 5).at(), sent.get(i).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(WECOM.answers()).noneMatch(answer -> answer.errcode() == WeComApiSimulator.FREQUENCY_LIMIT);
    }

    @Test
    void sendsAReplyThatWeComRefusesForGoodToTheDeadLetterTopic() {
        var stream = TestChunks.stream("bot-revoked");

        publish(stream.last(1, 0, "nobody will see this"));

        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(Topics.CHUNKS.deadLetter().name(),
                record -> stream.streamId().equals(record.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        assertThat(TopicReader.header(dead.get(0), UndeliverableReplies.ERRCODE_HEADER)).isEqualTo("93000");
        assertThat(TopicReader.header(dead.get(0), DeadLetterHeaders.MESSAGE)).contains("invalid webhook url");
        assertThat(deliveries(stream.streamId(), 1)).extracting(DeliveryRecorded::outcome, DeliveryRecorded::errcode)
                .containsExactly(tuple(DeliveryOutcome.FAILED, 93000));
    }

    @Test
    void postsToTheResponseUrlOnceRetryingAServerError() {
        // Given a response_url bot's reply and a WeCom that fails the first request
        String url = WECOM.newResponseUrl();
        var stream = TestChunks.stream("bot-url").withResponseUrl(url);
        WECOM.failNext(1, 502);

        // When
        publish(stream.last(1, 0, "**答案**：42"));

        // Then
        String code = url.substring(url.indexOf('=') + 1);
        await().atMost(WAIT).until(() -> !WECOM.messagesTo(code).isEmpty());
        assertThat(WECOM.messagesTo(code)).singleElement().extracting(Message::content).isEqualTo("**答案**：42");
        assertThat(deliveries(stream.streamId(), 2)).extracting(DeliveryRecorded::outcome)
                .containsExactly(DeliveryOutcome.RETRYING, DeliveryOutcome.DELIVERED);
    }

    @Test
    void aRepliesRecordsContinueItsTraceAndItsHopsAreMeasured() {
        // Given a response_url bot's reply whose last chunk carries the worker's traceparent
        String url = WECOM.newResponseUrl();
        var stream = TestChunks.stream("bot-url").withResponseUrl(url);
        ReplyChunk last = stream.last(1, 0, "traced");
        String traceId = last.meta().traceId();
        var record = new ProducerRecord<String, Object>(Topics.CHUNKS.name(), last.streamId(), last);
        record.headers().add(TraceHeaders.TRACEPARENT, ("00-" + traceId + "-00f067aa0ba902b7-00").getBytes(StandardCharsets.UTF_8));

        // When
        kafka.send(record);

        // Then the reply record and the delivery record continue the message's trace
        await().atMost(WAIT).until(() -> deliveries(last.streamId(), 1).size() == 1);
        for (String topic : List.of(Topics.REPLIES.name(), Topics.DELIVERIES.name())) {
            assertThat(TopicReader.await(topic, written -> last.streamId().equals(written.key()), 1, WAIT))
                    .isNotEmpty()
                    .allSatisfy(written -> assertThat(TopicReader.header(written, TraceHeaders.TRACEPARENT))
                            .as(topic).startsWith("00-" + traceId + "-"));
        }
        // And the fold's and the delivery's hops are histograms per bot
        for (String hop : List.of(HopLatency.DELTA_TO_REDIS, HopLatency.FINISH_TO_DELIVERED)) {
            assertThat(meters.find(HopLatency.NAME).tags("hop", hop, "bot", "bot-url").timers())
                    .as(hop).anySatisfy(timer -> assertThat(timer.count()).isPositive());
        }
    }

    @Test
    void deliversARejectionOfAResponseUrlBotToItsResponseUrl() {
        // Given a rejected message that carried a response_url
        String url = WECOM.newResponseUrl();
        MessageRejected template = rejection("bot-url", RejectReason.UNAUTHORIZED);
        InboundMessage original = template.message();
        var message = new InboundMessage(original.msgId(), original.msgType(), null, original.chatType(), null,
                original.userId(), url, original.body());
        var rejected = new MessageRejected(template.meta(), template.botId(), template.streamId(), message,
                template.receivedAt(), template.reason(), template.detail(), template.decision());

        // When
        kafka.send(Topics.REJECTED.name(), rejected.streamId(), rejected);

        // Then
        String code = url.substring(url.indexOf('=') + 1);
        await().atMost(WAIT).until(() -> !WECOM.messagesTo(code).isEmpty());
        assertThat(WECOM.messagesTo(code)).singleElement().extracting(Message::content)
                .isEqualTo(DefaultTexts.rejection(RejectReason.UNAUTHORIZED));
    }

    @Test
    void aBotAddedToTheBotsFileAndItsNewWebhookKeyApplyWithoutARestart() throws IOException {
        // Given a webhook bot added to the file after the start
        String firstKey = "key-" + UUID.randomUUID();
        String secondKey = "key-" + UUID.randomUUID();
        WECOM.addWebhookKey(firstKey);
        WECOM.addWebhookKey(secondKey);
        String original = Files.readString(BOTS);
        String added = "  - id: bot-added\n" + COMMON + "    reply-mode: webhook\n    webhook-key: %s\n"
                + "    rejection-texts: { rate_limited: \"新机器人：慢一点\" }\n";
        double before = reloads();
        replaceBotsFile(original + added.formatted(firstKey));
        await().atMost(WAIT).until(() -> reloads() >= before + 1);

        // When a reply and a rejection of it finish
        var stream = TestChunks.stream("bot-added");
        publish(stream.last(1, 0, "新机器人的回答"));
        MessageRejected limited = rejection("bot-added", RejectReason.RATE_LIMITED);
        kafka.send(Topics.REJECTED.name(), limited.streamId(), limited);

        // Then both go to its webhook, the rejection with its own text
        await().atMost(WAIT).until(() -> WECOM.messagesTo(firstKey).size() >= 2);
        assertThat(WECOM.messagesTo(firstKey)).extracting(Message::content)
                .containsExactlyInAnyOrder("新机器人的回答", "新机器人：慢一点");

        // And after its webhook key changed, the next reply goes to the new key
        replaceBotsFile(original + added.formatted(secondKey));
        await().atMost(WAIT).until(() -> reloads() >= before + 2);
        var next = TestChunks.stream("bot-added");
        publish(next.last(1, 0, "换了钥匙"));
        await().atMost(WAIT).until(() -> !WECOM.messagesTo(secondKey).isEmpty());
        assertThat(WECOM.messagesTo(secondKey)).extracting(Message::content).containsExactly("换了钥匙");
        assertThat(WECOM.messagesTo(firstKey)).hasSize(2);
    }

    /**
     * Issue 15: every finished stream gets one reply-recorded on wecom.replies, keyed by stream id, whatever finished
     * it (an answer, a failed answer, a rejection) and however its bot replies (passive stream, long connection,
     * webhook, response_url, self-built app): the text WeCom was shown or sent, how it finished, and the policy
     * version that applied. A last chunk redelivered after the record was published records nothing more.
     */
    @Test
    void everyFinishedStreamIsRecordedOnceOnWecomRepliesForEveryOutcomeAndReplyMode() {
        // Given streams of every reply mode, a failed answer, two rejections and a stream that never finishes
        String url = WECOM.newResponseUrl();
        var passive = TestChunks.stream("bot-passive");
        var longConnection = TestChunks.stream("bot-ws");
        var webhook = TestChunks.stream("bot-webhook");
        var responseUrl = TestChunks.stream("bot-url").withResponseUrl(url);
        var app = TestChunks.stream("bot-app");
        var failed = TestChunks.stream("bot-passive");
        var open = TestChunks.stream("bot-passive");
        MessageRejected limited = rejection("bot-passive", RejectReason.RATE_LIMITED);
        MessageRejected refused = rejection("bot-webhook", RejectReason.UNAUTHORIZED);
        double finalBefore = chunks("final");

        // When their chunks and rejections arrive
        publish(passive.append(1, 0, "流式"));
        publish(passive.last(1, 1, "回答"));
        publish(longConnection.last(1, 0, "长连接的回答"));
        publish(webhook.last(1, 0, "群机器人的回答"));
        publish(responseUrl.last(1, 0, "response_url 的回答"));
        publish(app.last(1, 0, "自建应用的回答"));
        publish(failed.failed(1, 0, "抱歉，出错了。", List.of()));
        publish(open.append(1, 0, "still typing"));
        kafka.send(Topics.REJECTED.name(), limited.streamId(), limited);
        kafka.send(Topics.REJECTED.name(), refused.streamId(), refused);

        // Then one record per finished stream, with what WeCom was shown or sent
        List<String> finished = List.of(passive.streamId(), longConnection.streamId(), webhook.streamId(),
                responseUrl.streamId(), app.streamId(), failed.streamId(), limited.streamId(), refused.streamId());
        Map<String, ReplyRecorded> replies = replies(finished, finished.size());
        assertThat(replies.get(passive.streamId())).satisfies(reply -> {
            assertThat(reply.text()).isEqualTo("流式回答");
            assertThat(reply.finish()).isEqualTo(ReplyFinish.FINISHED);
            assertThat(reply.channel()).isEqualTo(ReplyChannel.STREAM);
            assertThat(reply.msgId()).isEqualTo("msg-" + passive.streamId());
            assertThat(reply.userId()).isEqualTo("zhangsan");
            assertThat(reply.policyVersion()).isEqualTo(policyVersion("bot-passive"));
            assertThat(reply.finishedAt()).isAfterOrEqualTo(reply.receivedAt());
        });
        assertThat(replies.get(longConnection.streamId())).extracting(ReplyRecorded::text, ReplyRecorded::channel)
                .containsExactly("长连接的回答", ReplyChannel.STREAM);
        assertThat(replies.get(webhook.streamId())).extracting(ReplyRecorded::text, ReplyRecorded::channel)
                .containsExactly("群机器人的回答", ReplyChannel.WEBHOOK);
        assertThat(replies.get(responseUrl.streamId())).extracting(ReplyRecorded::text, ReplyRecorded::channel,
                ReplyRecorded::policyVersion).containsExactly("response_url 的回答", ReplyChannel.RESPONSE_URL,
                policyVersion("bot-url"));
        assertThat(replies.get(app.streamId())).extracting(ReplyRecorded::text, ReplyRecorded::channel)
                .containsExactly("自建应用的回答", ReplyChannel.APP_MESSAGE);
        assertThat(replies.get(failed.streamId())).extracting(ReplyRecorded::text, ReplyRecorded::finish,
                ReplyRecorded::errorCode).containsExactly("抱歉，出错了。", ReplyFinish.FAILED, "completion_request_error");
        assertThat(replies.get(limited.streamId())).extracting(ReplyRecorded::text, ReplyRecorded::finish,
                ReplyRecorded::rejectReason, ReplyRecorded::policyVersion, ReplyRecorded::channel)
                .containsExactly("慢一点 (slow down)", ReplyFinish.REJECTED, RejectReason.RATE_LIMITED,
                        limited.decision().policyVersion(), ReplyChannel.STREAM);
        assertThat(replies.get(refused.streamId())).extracting(ReplyRecorded::finish, ReplyRecorded::channel)
                .containsExactly(ReplyFinish.REJECTED, ReplyChannel.WEBHOOK);
        assertThat(replies).doesNotContainKey(open.streamId());

        // And the deliveries carry the policy version they were made under
        assertThat(deliveries(responseUrl.streamId(), 1)).extracting(DeliveryRecorded::outcome, DeliveryRecorded::policyVersion)
                .containsExactly(tuple(DeliveryOutcome.DELIVERED, policyVersion("bot-url")));
        await().atMost(WAIT).until(() -> !WECOM.apps().messagesTo(APP_AGENT, "zhangsan").isEmpty()
                && WECOM.messagesTo(GOOD_KEY).stream().anyMatch(message -> message.content().equals("群机器人的回答")));

        // And a last chunk redelivered after its record was published and marked records nothing more (the listener
        // starts a publish before it counts the chunk; then it is awaited)
        await().atMost(WAIT).untilAsserted(() -> assertThat(redis.<String, String>opsForHash()
                .entries(OUTBOX_PREFIX + "reply:" + passive.streamId())).containsOnlyKeys("published"));
        publish(passive.last(1, 1, "回答"));
        await().atMost(WAIT).until(() -> chunks("final") > finalBefore);
        assertThat(replyRecords.awaitIdle(WAIT)).isTrue();
        assertThat(TopicReader.all(Topics.REPLIES.name(), record -> finished.contains(record.key()))).hasSize(finished.size());
    }

    /**
     * Issue 19: a 60 KB answer of Chinese text with code blocks and tables, streamed in 2 KB chunks, reaches a webhook
     * bot's group whole, in order, each part within the webhook's limit and valid UTF-8, once also when its last chunk
     * comes again; a streaming bot's stream shows the first part and its response_url gets the rest.
     */
    @Test
    void aSixtyKilobyteAnswerGoesOutWholeInOrderAndOnceAndAStreamsRestToItsResponseUrl() {
        // Given a webhook bot's and a streaming bot's long answers, published as a worker does
        int before = WECOM.messagesTo(GOOD_KEY).size();
        var webhook = TestChunks.stream("bot-webhook");
        String answer = webhook.streamId() + "\n" + Replies.documented(60_000);
        ReplyChunk last = publishInChunks(webhook, answer);
        String url = WECOM.newResponseUrl();
        var passive = TestChunks.stream("bot-passive").withResponseUrl(url);
        String streamed = Replies.documented(30_000);
        publishInChunks(passive, streamed);

        // When the webhook's parts went out, and its last chunk comes again
        List<String> parts = MarkdownSplitter.split(answer, ReplyDeliverer.WEBHOOK_MAX_BYTES);
        await().atMost(WAIT).until(() -> WECOM.messagesTo(GOOD_KEY).size() - before >= parts.size());
        publish(last);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> WECOM.messagesTo(GOOD_KEY).size() - before == parts.size());

        // Then WeCom got every part once, in order (the simulator refuses a part over 4,096 bytes), the record the
        // whole answer, and every part is a delivery record
        List<String> sent = WECOM.messagesTo(GOOD_KEY).subList(before, before + parts.size()).stream()
                .map(Message::content).toList();
        assertThat(sent).containsExactlyElementsOf(parts).hasSizeGreaterThanOrEqualTo(15);
        assertThat(String.join("\n", sent)).contains(answer.substring(answer.length() - 200));
        List<DeliveryRecorded> records = deliveries(webhook.streamId(), parts.size());
        assertThat(records).extracting(DeliveryRecorded::outcome).containsOnly(DeliveryOutcome.DELIVERED);
        assertThat(records).extracting(DeliveryRecorded::part).doesNotHaveDuplicates().hasSize(parts.size());
        Map<String, ReplyRecorded> replies = replies(List.of(webhook.streamId(), passive.streamId()), 2);
        assertThat(replies.get(webhook.streamId()).text()).isEqualTo(answer);
        assertThat(replies.get(webhook.streamId()).truncated()).isFalse();
        // and the streaming bot's stream shows the first part, its response_url the rest, its record all of it
        Continuation split = Continuation.of(streamed, StreamStateKeys.MAX_CONTENT_BYTES,
                "\n\n（续下条 / continued below）");
        assertThat(field(passive.streamId(), StreamStateKeys.CONTENT)).isEqualTo(split.shown());
        String code = url.substring(url.indexOf('=') + 1);
        await().atMost(WAIT).until(() -> !WECOM.messagesTo(code).isEmpty());
        assertThat(WECOM.messagesTo(code)).singleElement().extracting(Message::content).isEqualTo(split.rest());
        assertThat(replies.get(passive.streamId()).text()).isEqualTo(streamed);
    }

    /** Publishes {@code answer} in chunks of about 2 KB as the worker does; returns the last one. */
    private ReplyChunk publishInChunks(TestChunks stream, String answer) {
        List<String> pieces = TestChunks.pieces(answer, 700);
        ReplyChunk chunk = null;
        for (int seq = 0; seq < pieces.size(); seq++) {
            chunk = seq == pieces.size() - 1 ? stream.last(1, seq, pieces.get(seq)) : stream.append(1, seq, pieces.get(seq));
            publish(chunk);
        }
        return chunk;
    }

    private void publish(ReplyChunk chunk) {
        kafka.send(Topics.CHUNKS.name(), chunk.streamId(), chunk);
    }

    private static MessageRejected rejection(String botId, RejectReason reason) {
        return Events.rejected(botId, "m-" + UUID.randomUUID(), Instant.now(), reason);
    }

    private double chunks(String status) {
        var counter = meters.find("relay.responder.chunks").tag("status", status).counter();
        return counter == null ? 0 : counter.count();
    }

    private Map<String, String> state(String streamId) {
        return redis.<String, String>opsForHash().entries(StreamStateKeys.key(streamId));
    }

    private String field(String streamId, String field) {
        return redis.<String, String>opsForHash().get(StreamStateKeys.key(streamId), field);
    }

    /** The reply records of these streams, once {@code count} arrived (failing if more than one came for a stream). */
    private static Map<String, ReplyRecorded> replies(List<String> streamIds, int count) {
        EventSerde<RelayEvent> serde = EventSerde.any();
        return TopicReader.await(Topics.REPLIES.name(), record -> streamIds.contains(record.key()), count, WAIT).stream()
                .map(record -> (ReplyRecorded) serde.deserialize(record.topic(), record.value()))
                .collect(java.util.stream.Collectors.toMap(ReplyRecorded::streamId, reply -> reply));
    }

    private String policyVersion(String botId) {
        return bots.find(botId).orElseThrow().policyVersion();
    }

    private static List<DeliveryRecorded> deliveries(String streamId, int count) {
        EventSerde<RelayEvent> serde = EventSerde.any();
        return TopicReader.await(Topics.DELIVERIES.name(), record -> streamId.equals(record.key()), count, WAIT).stream()
                .map(record -> (DeliveryRecorded) serde.deserialize(record.topic(), record.value()))
                .toList();
    }

    private static Path botsFile() {
        String yaml = "bots:\n"
                + "  - id: bot-passive\n" + COMMON
                + "    rejection-texts: { rate_limited: \"慢一点 (slow down)\" }\n"
                + "  - id: bot-webhook\n" + COMMON + "    reply-mode: webhook\n    webhook-key: " + GOOD_KEY + "\n"
                + "  - id: bot-revoked\n" + COMMON + "    reply-mode: webhook\n    webhook-key: revoked-key\n"
                + "  - id: bot-url\n" + COMMON + "    reply-mode: response_url\n"
                + "  - id: bot-ws\n    connection: long-connection\n    secret: ws-secret\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n"
                + "  - id: bot-app\n" + COMMON + "    kind: app\n    corp-id: " + APP_CORP + "\n    agent-id: " + APP_AGENT
                + "\n    secret: " + APP_SECRET + "\n";
        try {
            Path file = Files.createTempFile("bots", ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces the bots file in one step, as an operator should, so that no check sees it half written. */
    private static void replaceBotsFile(String yaml) throws IOException {
        Path next = Files.createTempFile(BOTS.getParent(), "bots", ".next");
        Files.writeString(next, yaml);
        Files.move(next, BOTS, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private double deadLetters(String topic) {
        return meters.find(DeadLetterScheme.METRIC).tag("topic", topic).counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    private double reloads() {
        Counter reloads = meters.find(BotsFile.RELOADS).tag("outcome", "ok").counter();
        return reloads == null ? 0 : reloads.count();
    }
}
