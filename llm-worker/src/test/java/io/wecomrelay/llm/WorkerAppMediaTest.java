package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.chatReferencing;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.uploadOf;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.app.AppMessage;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.support.apptoken.AccessTokens;
import io.wecomrelay.support.apptoken.RedisTemplateTokenStore;
import io.wecomrelay.support.apptoken.TokenApi;
import io.wecomrelay.support.apptoken.TokenMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A self-built app's image, voice and file messages through one worker on the real broker and Redis: the media come
 * from the WeCom API simulator's {@code media/get} with the app's access token (the simulator's address is the only
 * entry of the app allow-list) and reach the Dify simulator as uploaded files; an expired media id gets its own
 * sentence, and a token that expires meanwhile is renewed once, in the key the responder uses.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerAppMediaTest {

    private static final String PREFIX = "appmedia";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final String BOT = "app-media-it";
    private static final String CORP = "ww0123456789abcdef";
    private static final int AGENT = 1000002;
    private static final String SECRET = "app-secret-" + UUID.randomUUID();
    private static final String TOKEN_PREFIX = "test-app-token-" + UUID.randomUUID() + ":";
    private static final String MEDIA_ONLY_QUERY = "请看我发送的文件。(Please look at the file I sent.)";
    private static final int MAX_MEDIA_BYTES = 64 * 1024;
    private static final WeComApiSimulator WECOM = wecom();
    private static final Path BOTS_FILE = WorkerTestSupport.botsFile("""
            bots:
              - id: %s
                kind: app
                corp-id: %s
                agent-id: %d
                secret: %s
                token: QDG6eK
                aes-key: %s
                dify: { base-url: %s, api-key: %s, allow-insecure-http: true }
            """.formatted(BOT, CORP, AGENT, SECRET, WorkerTestSupport.AES_KEY, DIFY.baseUrl(),
            DifySimulatorConfig.DEFAULT_API_KEY));

    @Autowired
    MeterRegistry meters;

    @Autowired
    ReactiveStringRedisTemplate redis;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> {
            if (!key.equals("relay.worker.bots-file")) {
                registry.add(key, () -> value);
            }
        });
        registry.add("relay.worker.bots-file", BOTS_FILE::toString);
        registry.add("relay.worker.media.max-size", () -> MAX_MEDIA_BYTES + "B");
        registry.add("relay.worker.media.memory-budget", () -> "1MB");
        registry.add("relay.worker.app.wecom-api-base-url", WECOM::baseUrl);
        registry.add("relay.worker.app.allowed-hosts[0]", WECOM::baseUrl);
        registry.add("relay.worker.app.token-key-prefix", () -> TOKEN_PREFIX);
    }

    private static WeComApiSimulator wecom() {
        var wecom = WeComApiSimulator.start();
        wecom.apps().addApp(CORP, SECRET, AGENT);
        return wecom;
    }

    @AfterAll
    static void stop() {
        WECOM.close();
    }

    @Test
    void anImageAVoiceAndAFileReachDifyAsUploadedFiles() {
        byte[] jpeg = jpegBytes(5_000);
        byte[] amr = ("#!AMR\n" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] pdf = ("%PDF-1.7 " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        var image = media("image", "image/jpeg", jpeg);
        var voice = media("voice", "audio/amr", amr);
        var file = media("file", "application/pdf", pdf);
        List.of(image, voice, file).forEach(m -> send(ACCEPTED, m));

        assertThat(CHUNKS.awaitReply(image).text()).isEqualTo(DifySimulator.expectedAnswer(MEDIA_ONLY_QUERY, 1));
        var imageUpload = uploadOf(jpeg);
        assertThat(imageUpload.name()).endsWith(".jpg");
        assertThat(imageUpload.user()).isEqualTo(ConversationKeys.difyUser(BOT, image.message().userId()));
        var imageRequest = chatReferencing(imageUpload.id());
        assertThat(imageRequest.files().get(0).get("type").asString()).isEqualTo("image");
        assertThat(imageRequest.files().get(0).get("transfer_method").asString()).isEqualTo("local_file");

        assertThat(CHUNKS.awaitReply(voice).errorCode()).isNull();
        var voiceUpload = uploadOf(amr);
        assertThat(voiceUpload.name()).endsWith(".amr");
        assertThat(chatReferencing(voiceUpload.id()).files().get(0).get("type").asString()).isEqualTo("audio");

        assertThat(CHUNKS.awaitReply(file).errorCode()).isNull();
        assertThat(chatReferencing(uploadOf(pdf).id()).files()).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meters.find("relay.worker.media")
                .tag("bot", BOT).tag("outcome", "ok").counters().stream().mapToDouble(Counter::count).sum())
                .isGreaterThanOrEqualTo(3));
    }

    @Test
    void anExpiredMediaIdIsAnsweredWithItsOwnSentenceAndNoDifyCall() {
        double before = failures("expired");
        var expired = message(user(), "image", "<PicUrl><![CDATA[https://p]]></PicUrl><MediaId><![CDATA[gone-"
                + UUID.randomUUID() + "]]></MediaId>");
        send(ACCEPTED, expired);

        var reply = CHUNKS.awaitReply(expired);
        assertThat(reply.errorCode()).isEqualTo(ErrorCodes.MEDIA_EXPIRED);
        assertThat(reply.text()).contains("expired", "send it again");
        assertThat(reply.chunks()).singleElement().satisfies(chunk -> assertThat(chunk.last()).isTrue());
        assertThat(DIFY.chatRequests()).noneMatch(request -> request.user() != null
                && request.user().endsWith(expired.message().userId()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(failures("expired") - before).isEqualTo(1));
    }

    @Test
    void aFileOverTheMediaLimitGetsTheTooLargeSentence() {
        var large = media("file", "application/pdf", new byte[MAX_MEDIA_BYTES + 1]);
        send(ACCEPTED, large);

        assertThat(CHUNKS.awaitReply(large).errorCode()).isEqualTo(ErrorCodes.MEDIA_TOO_LARGE);
    }

    @Test
    void aTokenThatExpiresBeforeTheDownloadIsRenewedOnceInTheKeyTheResponderUses() {
        var first = media("image", "image/jpeg", jpegBytes(1_000));
        send(ACCEPTED, first);
        assertThat(CHUNKS.awaitReply(first).errorCode()).isNull();
        WECOM.apps().expireTokens(); // WeCom's two hours are over, or it revoked the token early
        int issuedBefore = WECOM.apps().tokensIssued();
        double invalidatedBefore = tokenEvents("invalidated");

        byte[] jpeg = jpegBytes(2_000);
        var second = media("image", "image/jpeg", jpeg);
        send(ACCEPTED, second);

        assertThat(CHUNKS.awaitReply(second).text()).isEqualTo(DifySimulator.expectedAnswer(MEDIA_ONLY_QUERY, 1));
        assertThat(uploadOf(jpeg)).as("passed on once").isNotNull();
        assertThat(WECOM.apps().tokensIssued()).isEqualTo(issuedBefore + 1);
        assertThat(tokenEvents("invalidated") - invalidatedBefore).isEqualTo(1);
        // the responder's cache, on the same prefix, finds the renewed token and fetches none of its own
        String shared = respondersTokens().token(app()).block(Duration.ofSeconds(10));
        assertThat(redis.keys(TOKEN_PREFIX + BOT + ":*").collectList().block()).singleElement()
                .satisfies(key -> assertThat(redis.opsForValue().get(key).block()).isEqualTo(shared));
        assertThat(WECOM.apps().tokensIssued()).isEqualTo(issuedBefore + 1);
    }

    /** A media message whose bytes the WeCom API simulator serves under a fresh media id. */
    private static MessageAccepted media(String msgType, String contentType, byte[] bytes) {
        String mediaId = msgType + "-" + UUID.randomUUID();
        WECOM.apps().addMedia(mediaId, contentType, bytes);
        return message(user(), msgType, "<MediaId><![CDATA[" + mediaId + "]]></MediaId>"
                + (msgType.equals("voice") ? "<Format><![CDATA[amr]]></Format>" : ""));
    }

    /** An app message as ingress publishes it and the processor accepts it. */
    private static MessageAccepted message(String user, String msgType, String elements) {
        Instant now = Instant.now();
        String xml = "<xml><ToUserName><![CDATA[" + CORP + "]]></ToUserName><FromUserName><![CDATA[" + user
                + "]]></FromUserName><CreateTime>" + now.getEpochSecond() + "</CreateTime><MsgType><![CDATA[" + msgType
                + "]]></MsgType>" + elements + "<MsgId>" + ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)
                + "</MsgId><AgentID>" + AGENT + "</AgentID></xml>";
        var message = AppMessage.parse(xml.getBytes(StandardCharsets.UTF_8)).toInboundMessage(AGENT);
        var meta = new EventMeta(UUID.randomUUID(), "trace-" + UUID.randomUUID(), now);
        return new MessageAccepted(meta, BOT, StreamIds.of(BOT, message.msgId()), ConversationKeys.of(BOT, null, user, true),
                message, now, new Decision("accept", "test"));
    }

    /** The responder's token cache as the responder builds it, on the same prefix and Redis. */
    private AccessTokens respondersTokens() {
        return new AccessTokens(new RedisTemplateTokenStore(redis), new TokenApi(WebClient.create(),
                URI.create(WECOM.baseUrl()), Duration.ofSeconds(2)), Clock.systemUTC(), UUID::randomUUID,
                TokenMetrics.counters(new SimpleMeterRegistry(), "relay.responder.app.tokens"),
                new AccessTokens.Settings(TOKEN_PREFIX, Duration.ofMinutes(5), Duration.ofSeconds(15),
                        Duration.ofSeconds(20), Duration.ofMillis(100)));
    }

    private static BotConfig app() {
        return new BotRegistryLoader(name -> null).load(BOTS_FILE).find(BOT).orElseThrow();
    }

    private double failures(String reason) {
        return meters.find("relay.worker.media.failures").tag("bot", BOT).tag("reason", reason).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private double tokenEvents(String event) {
        return meters.find("relay.worker.app.tokens").tag("bot", BOT).tag("event", event).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static byte[] jpegBytes(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] = (byte) 0xff;
        bytes[1] = (byte) 0xd8;
        bytes[2] = (byte) 0xff;
        return bytes;
    }
}
