package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.CapturedLines;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CallbackEndpointTest {

    static final String STREAM_BOT = "ingress-stream-bot";
    static final String URL_BOT = "ingress-url-bot";
    static final String OTHER_STREAM_BOT = "ingress-other-stream-bot";
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(STREAM_BOT, "passive_stream")
            + IngressTestSupport.bot(URL_BOT, "response_url") + IngressTestSupport.bot(OTHER_STREAM_BOT, "passive_stream"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @Autowired
    StreamMarkerWriter markers;

    WecomClient streamBot;
    WecomClient urlBot;
    WecomClient otherBot;

    @BeforeEach
    void clients() {
        streamBot = client(STREAM_BOT);
        urlBot = client(URL_BOT);
        otherBot = client(OTHER_STREAM_BOT);
    }

    @Test
    void urlVerificationEchoesTheDecryptedEchostrAlone() throws Exception {
        assertThat(streamBot.verifyUrl("1616140317555161061").get()).isEqualTo("1616140317555161061");
    }

    @Test
    void textMessageIsPublishedBeforeTheStreamReplyAnswers() throws Exception {
        String msgId = UUID.randomUUID().toString();

        CallbackResponse response = streamBot.send(WecomMessages.text(STREAM_BOT, msgId, "zhangsan", null, "你好")).get();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streamId()).isEqualTo(StreamIds.of(STREAM_BOT, msgId));
        assertThat(response.streamFinished()).isFalse();
        assertThat(response.streamContent()).isEqualTo("正在思考…");
        assertThat(response.reply().path("stream").path("feedback").path("id").asString()).isEqualTo(response.streamId());
        List<MessageReceived> published = IngressTestSupport.publishedUntil(STREAM_BOT, msgId, Duration.ofSeconds(20)).stream()
                .filter(e -> e.message().msgId().equals(msgId)).toList();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).streamId()).isEqualTo(response.streamId());
        assertThat(published.get(0).message().body().path("text").path("content").asString()).isEqualTo("你好");
        assertThat(redis.opsForHash().get(StreamStateKeys.key(response.streamId()), StreamStateKeys.CREATED)).isNotNull();
        assertThat(redis.opsForHash().get(StreamStateKeys.key(response.streamId()), StreamStateKeys.OWNER)).isEqualTo(STREAM_BOT);
    }

    @Test
    void aSecondMarkOfAStreamKeepsTheFirstMarksTraceIdAndSetsNoneOnAMarkerWithout() {
        String streamId = StreamIds.of(STREAM_BOT, "marked-twice-" + UUID.randomUUID());
        String key = StreamStateKeys.key(streamId);
        Instant first = Instant.ofEpochMilli(1_700_000_000_000L);
        String firstTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

        markers.markCreated(STREAM_BOT, streamId, first, firstTrace).block(WAIT);
        redis.expire(key, Duration.ofSeconds(30));
        markers.markCreated(STREAM_BOT, streamId, first.plusSeconds(5), "0af7651916cd43dd8448eb211c80319c").block(WAIT);

        assertThat(redis.opsForHash().entries(key)).containsEntry(StreamStateKeys.TRACE_ID, firstTrace)
                .containsEntry(StreamStateKeys.CREATED, Long.toString(first.toEpochMilli()))
                .containsEntry(StreamStateKeys.OWNER, STREAM_BOT);
        assertThat(redis.getExpire(key)).as("the retry set no TTL again").isBetween(1L, 30L);

        // a marker written before markers carried trace ids: a retried callback's trace is not the message's
        String older = StreamIds.of(STREAM_BOT, "marked-before-traces-" + UUID.randomUUID());
        redis.opsForHash().putAll(StreamStateKeys.key(older), Map.of(StreamStateKeys.CREATED, Long.toString(first.toEpochMilli()),
                StreamStateKeys.OWNER, STREAM_BOT));
        redis.expire(StreamStateKeys.key(older), Duration.ofSeconds(30));
        markers.markCreated(STREAM_BOT, older, first.plusSeconds(5), firstTrace).block(WAIT);

        assertThat(redis.opsForHash().hasKey(StreamStateKeys.key(older), StreamStateKeys.TRACE_ID)).isFalse();
        redis.delete(List.of(key, StreamStateKeys.key(older)));
    }

    @Test
    void eachMessageStartsATraceWhoseTraceparentTheInboundRecordCarries() throws Exception {
        String msgId = UUID.randomUUID().toString();
        var logged = new ListAppender<ILoggingEvent>() {
            @Override
            protected void append(ILoggingEvent line) {
                line.getThreadName(); // taken when first asked for: now, on the thread that logs
                super.append(line);
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger("io.wecomrelay.ingress.callback.InboundIntake");
        logged.start();
        logger.addAppender(logged);
        try {
            assertThat(urlBot.send(WecomMessages.text(URL_BOT, msgId, "zhangsan", null, "traced")).get().status())
                    .isEqualTo(200);
        } finally {
            logger.detachAppender(logged);
        }

        ConsumerRecord<String, RelayEvent> record = IngressTestSupport.recordOf(URL_BOT, msgId, Duration.ofSeconds(20));
        String traceId = record.value().meta().traceId();
        assertThat(TraceHeaders.isTraceId(traceId)).as(traceId).isTrue();
        String traceparent = TraceHeaders.traceparent(record.headers());
        assertThat(traceparent).startsWith("00-" + traceId + "-");
        assertThat(record.headers().lastHeader(TraceHeaders.LEGACY_TRACE_ID)).isNull();
        // the accepted line carries the trace and ingress's span, whose id the record's traceparent names as parent;
        // it is logged on the request's event loop (RequestLoop), not on the producer's thread nor on parallel
        assertThat(logged.list).filteredOn(line -> line.getFormattedMessage().contains("msgId=" + msgId)).singleElement()
                .satisfies(line -> assertThat(line.getMDCPropertyMap()).containsEntry("traceId", traceId)
                        .containsEntry("spanId", traceparent.substring(36, 52)))
                .satisfies(line -> assertThat(line.getThreadName()).contains("-http-")); // Boot's webflux-http-epoll-N
        assertThat(meters.find(HopLatency.NAME).tags("hop", HopLatency.CALLBACK_TO_ACK, "bot", URL_BOT).timer())
                .isNotNull().satisfies(timer -> assertThat(timer.count()).isPositive());
    }

    @Test
    void aRetryOfTheSameMsgIdGetsTheSameStreamId() throws Exception {
        String msgId = UUID.randomUUID().toString();
        var message = WecomMessages.text(STREAM_BOT, msgId, "zhangsan", null, "again");

        String first = streamBot.send(message).get().streamId();
        String second = streamBot.send(message).get().streamId();

        assertThat(first).isEqualTo(second).isEqualTo(StreamIds.of(STREAM_BOT, msgId));
    }

    @Test
    void refreshAnswersFromRedisWithTheFullContentAndFinishFlag() throws Exception {
        String streamId = StreamIds.of(STREAM_BOT, UUID.randomUUID().toString());
        String key = StreamStateKeys.key(streamId);
        redis.opsForHash().put(key, StreamStateKeys.CREATED, Long.toString(System.currentTimeMillis()));
        redis.opsForHash().put(key, StreamStateKeys.OWNER, STREAM_BOT);

        assertThat(refresh(streamId).streamContent()).isEqualTo("正在思考…");

        redis.opsForHash().put(key, StreamStateKeys.CONTENT, "你好，世界");
        CallbackResponse partial = refresh(streamId);
        assertThat(partial.streamContent()).isEqualTo("你好，世界");
        assertThat(partial.streamFinished()).isFalse();

        redis.opsForHash().put(key, StreamStateKeys.FINISH, "1");
        CallbackResponse done = refresh(streamId);
        assertThat(done.streamFinished()).isTrue();
        assertThat(done.streamContent()).isEqualTo("你好，世界");
        assertThat(done.reply().path("stream").path("feedback").path("id").asString()).isEqualTo(streamId);
        redis.delete(key);
    }

    @Test
    void theFinalFrameCarriesTheAttachedImagesAsMsgItemWithTheirBase64AndMd5() throws Exception {
        String streamId = StreamIds.of(STREAM_BOT, UUID.randomUUID().toString());
        var png = StreamImage.of(SimImages.png());
        var jpg = StreamImage.of(SimImages.jpg());
        String pngKey = StreamStateKeys.imageKey(streamId, 1, 0);
        String jpgKey = StreamStateKeys.imageKey(streamId, 1, 1);
        String goneKey = StreamStateKeys.imageKey(streamId, 1, 2);
        String foreignKey = StreamStateKeys.imageKey(StreamIds.of("other-bot", "m"), 1, 0);
        redis.opsForValue().set(pngKey, png.base64());
        redis.opsForValue().set(jpgKey, jpg.base64());
        redis.opsForValue().set(foreignKey, png.base64());
        String images = "[{\"key\":\"" + pngKey + "\",\"md5\":\"" + png.md5() + "\"},"
                + "{\"key\":\"" + jpgKey + "\",\"md5\":\"" + jpg.md5() + "\"},"
                + "{\"key\":\"" + goneKey + "\",\"md5\":\"" + jpg.md5() + "\"},"
                + "{\"key\":\"" + foreignKey + "\",\"md5\":\"" + png.md5() + "\"}]";
        redis.opsForHash().putAll(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.OWNER, STREAM_BOT,
                StreamStateKeys.CONTENT, "两张图 two images", StreamStateKeys.FINISH, "0", StreamStateKeys.IMAGES, images));

        CallbackResponse open = refresh(streamId);
        redis.opsForHash().put(StreamStateKeys.key(streamId), StreamStateKeys.FINISH, "1");
        CallbackResponse done = refresh(streamId);

        assertThat(open.streamImages()).as("only the finished frame has them").isEmpty();
        assertThat(done.streamFinished()).isTrue();
        assertThat(done.streamContent()).isEqualTo("两张图 two images");
        assertThat(done.streamImages()).containsExactly(SimImages.png(), SimImages.jpg());
        assertThat(meters.counter("relay.ingress.images", "bot", STREAM_BOT, "outcome", "sent").count()).isGreaterThanOrEqualTo(2);
        assertThat(meters.counter("relay.ingress.images", "bot", STREAM_BOT, "outcome", "missing").count()).isGreaterThanOrEqualTo(1);
        redis.delete(List.of(StreamStateKeys.key(streamId), pngKey, jpgKey, foreignKey));
    }

    @Test
    void refreshOfAnUnknownStreamFinishesWithANoteInsteadOfLooping() throws Exception {
        CallbackResponse response = refresh(StreamIds.of(STREAM_BOT, "never-seen-" + UUID.randomUUID()));

        assertThat(response.streamFinished()).isTrue();
        assertThat(response.streamContent()).contains("expired");
    }

    @Test
    void aStreamOlderThanWecomsWindowIsFinishedByIngress() throws Exception {
        String streamId = seed(Map.of(StreamStateKeys.CREATED, Long.toString(System.currentTimeMillis() - 400_000),
                StreamStateKeys.OWNER, STREAM_BOT, StreamStateKeys.CONTENT, "部分回答"));

        CallbackResponse response = refresh(streamId);

        assertThat(response.streamFinished()).isTrue();
        assertThat(response.streamContent()).startsWith("部分回答").contains("timed out");
        redis.delete(StreamStateKeys.key(streamId));
    }

    @Test
    void aRefreshOfAnotherBotsStreamIsAnsweredAsUnknownAndNeverShowsItsText() throws Exception {
        // Given a message to the other bot, which ingress marks as that bot's stream, and its answer in Redis
        String msgId = UUID.randomUUID().toString();
        String theirs = otherBot.send(WecomMessages.text(OTHER_STREAM_BOT, msgId, "lisi", null, "机密问题")).get().streamId();
        redis.opsForHash().put(StreamStateKeys.key(theirs), StreamStateKeys.CONTENT, "只给另一个机器人的回答 other bot's answer");
        double othersRefreshes = refreshCount(OTHER_STREAM_BOT);
        Object traceId = redis.opsForHash().get(StreamStateKeys.key(theirs), StreamStateKeys.TRACE_ID);
        assertThat(traceId).asString().matches("[0-9a-f]{32}");
        var lines = CapturedLines.attachTo("io.wecomrelay.ingress.refresh");

        // When this bot polls the other bot's stream id
        CallbackResponse response;
        try {
            response = refresh(theirs);
        } finally {
            lines.detach();
        }

        // Then it gets the unknown-stream answer, counted for the asking bot only
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streamFinished()).isTrue();
        assertThat(response.streamContent()).contains("expired").doesNotContain("只给", "other bot's answer");
        assertThat(response.reply().toString()).doesNotContain("只给", "other bot's answer");
        await().atMost(WAIT).untilAsserted(() -> assertThat(meters.find("relay.ingress.refreshes").tags("bot", STREAM_BOT, "result", "foreign")
                .counter()).isNotNull().satisfies(counter -> assertThat(counter.count()).isPositive()));
        assertThat(refreshCount(OTHER_STREAM_BOT)).isEqualTo(othersRefreshes);
        // the warning carries the trace id of the message the stream answers, which the marker recorded
        assertThat(lines.with("refresh of a stream of another bot")).singleElement()
                .satisfies(line -> assertThat(line.traceId()).isEqualTo(traceId));
        // and the owner itself still sees its answer (positive control)
        CallbackResponse own = otherBot.send(WecomMessages.refresh(OTHER_STREAM_BOT, UUID.randomUUID().toString(), "lisi", null, theirs)).get();
        assertThat(own.streamContent()).isEqualTo("只给另一个机器人的回答 other bot's answer");
        redis.delete(StreamStateKeys.key(theirs));
    }

    @Test
    void aStreamThatNoWriterRecordedAnOwnerForIsUnknown() throws Exception {
        String streamId = seed(Map.of(StreamStateKeys.CREATED, Long.toString(System.currentTimeMillis()),
                StreamStateKeys.CONTENT, "无主的回答"));

        CallbackResponse response = refresh(streamId);

        assertThat(response.streamFinished()).isTrue();
        assertThat(response.streamContent()).contains("expired").doesNotContain("无主的回答");
        redis.delete(StreamStateKeys.key(streamId));
    }

    @Test
    void theMarkerRecordsTheOwnerEvenWhenTheResponderWroteTheStreamFirst() throws Exception {
        // Given the responder folded the first chunk before ingress's marker landed (the publish and the marker race)
        String msgId = UUID.randomUUID().toString();
        String streamId = StreamIds.of(STREAM_BOT, msgId);
        redis.opsForHash().put(StreamStateKeys.key(streamId), StreamStateKeys.CONTENT, "抢先的片段");

        // When ingress accepts the message, it marks the stream before answering WeCom
        assertThat(streamBot.send(WecomMessages.text(STREAM_BOT, msgId, "zhangsan", null, "你好")).get().streamId()).isEqualTo(streamId);

        // Then the owner's refresh sees the text and another bot's does not
        assertThat(refresh(streamId).streamContent()).isEqualTo("抢先的片段");
        assertThat(otherBot.send(WecomMessages.refresh(OTHER_STREAM_BOT, UUID.randomUUID().toString(), "lisi", null, streamId))
                .get().streamContent()).doesNotContain("抢先的片段");
        redis.delete(StreamStateKeys.key(streamId));
    }

    @Test
    void responseUrlBotsGetAnEmptyAnswerAfterThePublish() throws Exception {
        String msgId = UUID.randomUUID().toString();

        CallbackResponse response = urlBot.send(WecomMessages.text(URL_BOT, msgId, "lisi", "group-1", "@bot hi")).get();

        assertThat(response.isEmptyReply()).isTrue();
        assertThat(IngressTestSupport.publishedUntil(URL_BOT, msgId, Duration.ofSeconds(20)))
                .anySatisfy(e -> assertThat(e.message().msgId()).isEqualTo(msgId));
    }

    @Test
    void aResponseUrlOutsideThePolicyIsLeftOffTheEventButTheMessageIsAccepted() throws Exception {
        String msgId = UUID.randomUUID().toString();
        var message = WecomMessages.text(URL_BOT, msgId, "lisi", "group-1", "@bot hi");
        message.put("response_url", "https://[::ffff:127.0.0.1]/cgi-bin/aibot/response?response_code=ONE_SHOT_CODE");
        var logged = new ListAppender<ILoggingEvent>();
        Logger logger = (Logger) LoggerFactory.getLogger("io.wecomrelay.ingress.callback.ResponseUrlScreen");
        logger.addAppender(logged);
        logged.start();
        CallbackResponse response;
        try {
            response = urlBot.send(message).get();
        } finally {
            logger.detachAppender(logged);
        }

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.isEmptyReply()).isTrue();
        MessageReceived published = IngressTestSupport.publishedUntil(URL_BOT, msgId, Duration.ofSeconds(20)).stream()
                .filter(e -> e.message().msgId().equals(msgId)).findFirst().orElseThrow();
        assertThat(published.message().responseUrl()).isNull();
        assertThat(published.message().responseUrlRefused()).isEqualTo("forbidden_address");
        await().atMost(WAIT).untilAsserted(() -> assertThat(meters.find("relay.ingress.response_url")
                .tags("bot", URL_BOT, "verdict", "forbidden_address").counter())
                .isNotNull().satisfies(counter -> assertThat(counter.count()).isPositive()));
        assertThat(logged.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .contains("bot=" + URL_BOT, "msgId=" + msgId, "host=[::ffff:127.0.0.1]", "reason=forbidden_address")
                .doesNotContain("ONE_SHOT_CODE", "response_code", "cgi-bin"));
    }

    @Test
    void anAllowedResponseUrlTravelsOnTheEvent() throws Exception {
        String msgId = UUID.randomUUID().toString();

        urlBot.send(WecomMessages.text(URL_BOT, msgId, "lisi", null, "hi")).get();

        MessageReceived published = IngressTestSupport.publishedUntil(URL_BOT, msgId, Duration.ofSeconds(20)).stream()
                .filter(e -> e.message().msgId().equals(msgId)).findFirst().orElseThrow();
        assertThat(published.message().responseUrl()).startsWith("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?");
        assertThat(published.message().responseUrlRefused()).isNull();
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(meters.find("relay.ingress.response_url").tags("bot", URL_BOT, "verdict", "allowed").counter()).isNotNull());
    }

    @Test
    void enterChatIsAnsweredWithTheWelcomeText() throws Exception {
        CallbackResponse response = streamBot.send(WecomMessages.enterChat(STREAM_BOT, UUID.randomUUID().toString(), "wangwu")).get();

        assertThat(response.reply().path("msgtype").asString()).isEqualTo("text");
        assertThat(response.reply().path("text").path("content").asString()).isEqualTo("欢迎！");
    }

    @Test
    void unknownBotIs404() throws Exception {
        CallbackResponse response = client("no-such-bot").send(WecomMessages.text("no-such-bot", "m", "u", null, "x")).get();

        assertThat(response.status()).isEqualTo(404);
    }

    private CallbackResponse refresh(String streamId) throws Exception {
        return streamBot.send(WecomMessages.refresh(STREAM_BOT, UUID.randomUUID().toString(), "zhangsan", null, streamId)).get();
    }

    /** A stream of this test's stream bot with these fields in Redis, as ingress and the responder write them. */
    private String seed(Map<String, String> fields) {
        String streamId = StreamIds.of(STREAM_BOT, UUID.randomUUID().toString());
        redis.opsForHash().putAll(StreamStateKeys.key(streamId), fields);
        return streamId;
    }

    private double refreshCount(String botId) {
        return meters.find("relay.ingress.refreshes").tag("bot", botId).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private WecomClient client(String botId) {
        return WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + botId),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
    }
}
