package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.app.AppEnvelope;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.sim.wecom.AppClient;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomClient.Signed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A self-built app's XML callbacks on {@code /wecom/app/{botId}}, against the real broker: messages and events are
 * published with the app channel and answered with an empty 200; a forged signature, an XML bomb and a wrong CorpID
 * are refused with a 4xx and publish nothing; the two kinds of bot do not answer on each other's path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AppCallbackTest {

    static final String APP = "ingress-app";
    static final String AI_BOT = "ingress-app-test-aibot";
    static final String CORP = "ww0123456789abcdef";
    static final int AGENT = 1000002;
    static final Path BOTS = IngressTestSupport.botsFile(app(APP, "") + app(APP + "-notice", "thinking-notice: 正在思考，请稍候…")
            + IngressTestSupport.bot(AI_BOT, "passive_stream"));

    static String app(String id, String extra) {
        return """
                  - id: %s
                    kind: app
                    corp-id: %s
                    agent-id: %d
                    secret: app-secret
                    token: %s
                    aes-key: %s
                    %s
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
                """.formatted(id, CORP, AGENT, IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY, extra);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    AppClient client;

    @BeforeEach
    void connect() {
        client = client(APP, CORP);
    }

    @Test
    void answersTheUrlVerificationWithTheEchoDecryptedForItsCorp() throws Exception {
        assertThat(client.verifyUrl("1616140317555161061").get()).isEqualTo("1616140317555161061");
    }

    @Test
    void aTextMessageIsPublishedWithTheAppChannelAndAnsweredWithAnEmpty200() throws Exception {
        long msgId = msgId();

        var response = client.send(client.text("zhangsan", msgId, "年假怎么请？")).get();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        String key = AGENT + ":zhangsan:" + msgId;
        MessageReceived event = published(key).get(0);
        assertThat(event.streamId()).isEqualTo(StreamIds.of(APP, key));
        assertThat(event.message().channel()).isEqualTo(Channel.APP);
        assertThat(event.message().msgType()).isEqualTo("text");
        assertThat(event.message().chatType()).isEqualTo(ChatType.SINGLE);
        assertThat(event.message().userId()).isEqualTo("zhangsan");
        assertThat(event.message().body().path("Content").asString()).isEqualTo("年假怎么请？");
    }

    @Test
    void anAppWithAThinkingNoticeAnswersAMessageWithItAsAnEncryptedPassiveReplyButNotAnEvent() throws Exception {
        AppClient notice = client(APP + "-notice", CORP);
        long msgId = msgId();

        var answered = notice.send(notice.text("zhaoliu", msgId, "在吗？")).get();
        var image = notice.send(notice.message("zhaoliu", "image", "<PicUrl><![CDATA[https://p]]></PicUrl>"
                + "<MediaId><![CDATA[media-1]]></MediaId><MsgId>" + msgId() + "</MsgId>")).get();
        var event = notice.send(notice.event("zhaoliu", "enter_agent", "")).get();

        assertThat(answered.statusCode()).isEqualTo(200);
        var reply = io.wecomrelay.schemas.wecom.app.SafeXml.read(notice.openReply(answered.body())
                .getBytes(StandardCharsets.UTF_8));
        assertThat(reply.path("Content").asString()).isEqualTo("正在思考，请稍候…");
        assertThat(reply.path("ToUserName").asString()).isEqualTo("zhaoliu");
        assertThat(reply.path("FromUserName").asString()).isEqualTo(CORP);
        assertThat(notice.openReply(image.body())).as("media are answered too").contains("正在思考，请稍候…");
        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.body()).isEmpty();
        assertThat(IngressTestSupport.publishedUntil(APP + "-notice", AGENT + ":zhaoliu:" + msgId, Duration.ofSeconds(20)))
                .isNotEmpty();
    }

    @Test
    void eventsArePublishedTooWithTheirName() throws Exception {
        String user = "lisi-" + msgId();

        assertThat(client.send(client.event(user, "enter_agent", "")).get().statusCode()).isEqualTo(200);

        MessageReceived event = IngressTestSupport.publishedSoFar(APP).stream()
                .filter(e -> e.message().userId().equals(user)).findFirst().orElseThrow();
        assertThat(event.message().isEvent()).isTrue();
        assertThat(event.message().eventType()).isEqualTo("enter_agent");
    }

    @Test
    void aRetryOfTheSameMessageIsPublishedUnderTheSameKeyForTheProcessorToDrop() throws Exception {
        long msgId = msgId();
        String xml = client.text("wangwu", msgId, "hello");

        for (int i = 0; i < 3; i++) {
            assertThat(client.send(xml).get().statusCode()).isEqualTo(200);
        }

        List<MessageReceived> events = published(AGENT + ":wangwu:" + msgId);
        assertThat(events).hasSize(3).extracting(MessageReceived::streamId).containsOnly(events.get(0).streamId());
    }

    @Test
    void aForgedSignatureIsRefusedWith401AndNothingIsPublished() throws Exception {
        long msgId = msgId();
        Signed good = client.sign(client.encrypt(client.text("mallory", msgId, "x")));
        double before = rejections("bad-signature");

        assertThat(client.sendRaw(good.withSignature("0".repeat(40))).get().statusCode()).isEqualTo(401);

        assertRefusedAndUnpublished("bad-signature", before, msgId);
    }

    @Test
    void anXmlBombIsRefusedWith400AndNothingIsPublished() throws Exception {
        long msgId = msgId();
        String bomb = """
                <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
                <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
                <xml><ToUserName>&d;</ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>""";
        Signed good = client.sign(client.encrypt(client.text("mallory", msgId, "x")));
        double before = rejections("malformed-envelope");

        assertThat(client.sendBody(good.query(), bomb.formatted(good.encrypt())).get().statusCode()).isEqualTo(400);

        assertRefusedAndUnpublished("malformed-envelope", before, msgId);
    }

    @Test
    void anXmlBombInsideTheCiphertextIsRefusedWith400AndNothingIsPublished() throws Exception {
        double before = rejections("malformed-message");
        String bomb = """
                <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
                <xml><ToUserName>%s</ToUserName><FromUserName>&b;</FromUserName><CreateTime>1</CreateTime>
                <MsgType>text</MsgType><Content>x</Content><MsgId>7</MsgId></xml>""".formatted(CORP);

        assertThat(client.send(bomb).get().statusCode()).isEqualTo(400);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(rejections("malformed-message")).isEqualTo(before + 1));
    }

    @Test
    void aCallbackEncryptedForAnotherCorpIsRefusedWith400AndNothingIsPublished() throws Exception {
        long msgId = msgId();
        AppClient otherCorp = client(APP, "wwOTHERCORP00000000");
        double before = rejections("receive-id-mismatch");

        assertThat(otherCorp.send(otherCorp.text("mallory", msgId, "x")).get().statusCode()).isEqualTo(400);

        assertRefusedAndUnpublished("receive-id-mismatch", before, msgId);
    }

    @Test
    void aMessageForAnotherAgentIsRefused() throws Exception {
        long msgId = msgId();
        AppClient otherAgent = AppClient.create(url(APP), IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY, CORP, 1000003);
        double before = rejections("bot-mismatch");

        assertThat(otherAgent.send(otherAgent.text("mallory", msgId, "x")).get().statusCode()).isEqualTo(400);

        assertRefusedAndUnpublished("bot-mismatch", before, msgId);
    }

    @Test
    void eachKindOfBotIsUnknownOnTheOtherKindsPath() throws Exception {
        AppClient appOnAiBotPath = AppClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + APP),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY, CORP, AGENT);
        AppClient aiBotOnAppPath = client(AI_BOT, CORP);
        WecomClient aiBotClient = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + AI_BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);

        assertThat(appOnAiBotPath.send(appOnAiBotPath.text("u", msgId(), "x")).get().statusCode()).isEqualTo(404);
        assertThat(aiBotOnAppPath.send(aiBotOnAppPath.text("u", msgId(), "x")).get().statusCode()).isEqualTo(404);
        assertThat(aiBotClient.verifyUrl("123").get()).isEqualTo("123");
    }

    @Test
    void theEnvelopeTheClientSendsIsTheOneWeComSends() {
        var crypto = new WecomCrypto(IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY, CORP,
                AesCbcEngines.defaultEngine(), new SecureRandom());
        String encrypt = client.encrypt("<xml/>");

        assertThat(crypto.decrypt(AppEnvelope.parse(new AppEnvelope(CORP, "1", encrypt).toXml()
                .getBytes(StandardCharsets.UTF_8)).encrypt())).isEqualTo("<xml/>");
    }

    private void assertRefusedAndUnpublished(String reason, double before, long msgId) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rejections(reason)).isEqualTo(before + 1));
        assertThat(IngressTestSupport.publishedSoFar(APP)).noneMatch(e -> e.message().msgId().endsWith(":" + msgId));
    }

    private List<MessageReceived> published(String key) {
        return IngressTestSupport.publishedUntil(APP, key, Duration.ofSeconds(20)).stream()
                .filter(e -> e.message().msgId().equals(key)).toList();
    }

    private double rejections(String reason) {
        Counter counter = meters.find("relay.ingress.rejections").tags("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private AppClient client(String botId, String corpId) {
        return AppClient.create(url(botId), IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY, corpId, AGENT);
    }

    private URI url(String botId) {
        return URI.create("http://127.0.0.1:" + port + "/wecom/app/" + botId);
    }

    private static long msgId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
