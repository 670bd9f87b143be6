package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecom.AppClient;
import io.wecomrelay.sim.wecomapi.AppApis;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A self-built app end to end, the services as {@code java -jar} against the test JVM's broker and Redis (two
 * responders sharing the app's token and send rate): the WeCom client simulator posts XML callbacks to ingress, the
 * answer comes back through the stack's WeCom API simulator's {@code gettoken} and {@code message/send}, and the
 * llm-worker fetches an image from the same simulator's {@code media/get} with the same token. The bot sends one
 * message per 1.5 s, so a test can act between the parts of one answer.
 */
class AppEndToEndTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String BOT = "app-e2e-" + RUN;
    static final String CORP = "ww0123456789abcdef";
    static final int AGENT = 1000002;
    static final String SECRET = "app-secret-" + RUN;
    static final String TOKEN = "QDG6eK";
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path WORK_DIR = ROOT.resolve("devstack/target/app-e2e");
    static final Duration WAIT = Duration.ofMinutes(2);
    /** The llm-worker's relay.worker.input.media-only-query default, asked with a file that came without text. */
    static final String MEDIA_ONLY_QUERY = "请看我发送的文件。(Please look at the file I sent.)";

    static DifySimulator dify;
    static WeComApiSimulator wecomApi;
    static LocalStack stack;
    static AppClient app;

    @BeforeAll
    static void startStack() throws Exception {
        dify = DifySimulator.start(DifySimulatorConfig.defaults().withCadence(8, Duration.ofMillis(100)));
        Files.createDirectories(WORK_DIR);
        Path bots = Files.writeString(WORK_DIR.resolve("bots.yaml"), """
                bots:
                  - id: %s
                    kind: app
                    corp-id: %s
                    agent-id: %d
                    secret: %s
                    token: %s
                    aes-key: %s
                    dify: { base-url: %s, api-key: %s, allow-insecure-http: true }
                """.formatted(BOT, CORP, AGENT, SECRET, TOKEN, AES_KEY, dify.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY),
                StandardCharsets.UTF_8);
        var settings = new StackSettings(ROOT, WORK_DIR, bots, Map.of(Service.RESPONDER, 2, Service.CONNECTOR, 0), new FreePorts(),
                TestInfrastructure.kafkaBootstrapServers(), TestInfrastructure.redisUrl(), dify.baseUrl(),
                DifySimulatorConfig.DEFAULT_API_KEY, 0, 0, null, 0,
                // one message per 1.5 s per bot; WeCom's API is the stack's simulator, which knows the app
                Map.of("RELAY_RESPONDER_DELIVERY_RATELIMIT_PERMITS", "1",
                        "RELAY_RESPONDER_DELIVERY_RATELIMIT_WINDOW", "1500ms"), true);
        stack = LocalStack.start(settings);
        wecomApi = stack.wecomApiSimulator();
        assertThat(wecomApi).as("the stack's WeCom API simulator, for the app in the bots file").isNotNull();
        assertThat(stack.callbackUrl(BOT)).endsWith("/wecom/app/" + BOT);
        app = AppClient.create(URI.create(stack.callbackUrl(BOT)), TOKEN, AES_KEY, CORP, AGENT);
    }

    @AfterAll
    static void stopStack() {
        for (AutoCloseable resource : new AutoCloseable[] {stack, dify}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aLongQuestionIsAnsweredInPartsInOrderOnce() throws Exception {
        String user = "zhangsan-" + RUN;
        String question = longQuestion("parts");

        assertThat(app.send(app.text(user, msgId(), question)).get().statusCode()).isEqualTo(200);

        List<String> parts = expectedParts(question);
        assertThat(parts).hasSizeGreaterThanOrEqualTo(2);
        await().atMost(WAIT).until(() -> contents(user).size() >= parts.size());
        assertThat(contents(user)).containsExactlyElementsOf(parts);
        assertThat(dify.requestsFor(question)).hasSize(1);
        assertThat(wecomApi.apps().dropped()).isEmpty();
    }

    @Test
    void anAnswersImagesArriveAsUploadedImageMessagesAfterItsText() throws Exception {
        String user = "zhouba-" + RUN;
        String question = "画图 " + UUID.randomUUID() + " [sim:images]";

        assertThat(app.send(app.text(user, msgId(), question)).get().statusCode()).isEqualTo(200);

        await().atMost(WAIT).until(() -> wecomApi.apps().messagesTo(AGENT, user).stream()
                .filter(message -> message.msgtype().equals("image")).count() == 2);
        List<AppApis.AppMessage> sent = wecomApi.apps().messagesTo(AGENT, user);
        assertThat(sent.subList(sent.size() - 2, sent.size())).extracting(message -> wecomApi.apps().media(message.content()).bytes())
                .containsExactly(SimImages.png(), SimImages.jpg());
        String text = String.join("", sent.subList(0, sent.size() - 2).stream().map(AppApis.AppMessage::content).toList());
        assertThat(text).startsWith(DifySimulator.expectedAnswer(question).strip().substring(0, 10))
                .contains("image unavailable: notes]", "image unavailable: big]").doesNotContain("![");
    }

    @Test
    void aRetryStormIsAnsweredOnce() throws Exception {
        String user = "lisi-" + RUN;
        String question = "retry storm " + UUID.randomUUID();
        String xml = app.text(user, msgId(), question);

        var sends = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 5; i++) {
            sends.add(app.send(xml)); // WeCom's retries of one message, some arriving together
        }
        for (var send : sends) {
            assertThat(send.get().statusCode()).isIn(200, 503);
        }

        await().atMost(WAIT).until(() -> !contents(user).isEmpty());
        // a second answer would come at most one rate-limit window (1.5 s) later
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> contents(user).size() == 1);
        assertThat(contents(user)).containsExactly(DifySimulator.expectedAnswer(question));
        assertThat(dify.requestsFor(question)).hasSize(1);
    }

    @Test
    void aTokenThatExpiresInTheMiddleOfAnAnswerIsRenewedOnceAndTheAnswerCompletes() throws Exception {
        String user = "wangwu-" + RUN;
        String question = longQuestion("expiry");
        List<String> parts = expectedParts(question);

        assertThat(app.send(app.text(user, msgId(), question)).get().statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> contents(user).size() == 1);
        int tokensBefore = wecomApi.apps().tokensIssued();
        wecomApi.apps().expireTokens();

        await().atMost(WAIT).until(() -> contents(user).size() >= parts.size());
        assertThat(contents(user)).containsExactlyElementsOf(parts);
        assertThat(wecomApi.apps().tokensIssued()).isEqualTo(tokensBefore + 1);
    }

    @Test
    void anImageIsFetchedWithMediaGetAndPassedToDifyAndAnExpiredOneGetsItsSentence() throws Exception {
        String user = "zhaoliu-" + RUN;
        String late = "sunqi-" + RUN;
        byte[] jpeg = new byte[3_000];
        ThreadLocalRandom.current().nextBytes(jpeg);
        jpeg[0] = (byte) 0xff;
        jpeg[1] = (byte) 0xd8;
        String mediaId = "img-" + UUID.randomUUID();
        wecomApi.apps().addMedia(mediaId, "image/jpeg", jpeg);

        assertThat(app.send(image(user, mediaId)).get().statusCode()).isEqualTo(200);
        assertThat(app.send(image(late, "gone-" + UUID.randomUUID())).get().statusCode()).isEqualTo(200);

        List<String> parts = MarkdownSplitter.split(DifySimulator.expectedAnswer(MEDIA_ONLY_QUERY, 1),
                ReplyDeliverer.APP_MESSAGE_MAX_BYTES);
        await().atMost(WAIT).until(() -> contents(user).size() >= parts.size());
        assertThat(contents(user)).containsExactlyElementsOf(parts);
        assertThat(dify.uploads()).anyMatch(upload -> Arrays.equals(upload.content(), jpeg));
        await().atMost(WAIT).until(() -> !contents(late).isEmpty());
        assertThat(contents(late)).singleElement().asString().contains("expired");
    }

    private static String image(String user, String mediaId) {
        return app.message(user, "image", "<PicUrl><![CDATA[https://p]]></PicUrl><MediaId><![CDATA[" + mediaId
                + "]]></MediaId><MsgId>" + msgId() + "</MsgId>");
    }

    @Test
    void aForgedSignatureAnXmlBombAndAWrongCorpAreRefusedAndNothingIsPublished() throws Exception {
        String user = "mallory-" + RUN;
        var forged = app.sign(app.encrypt(app.text(user, msgId(), "forged"))).withSignature("0".repeat(40));
        String bomb = """
                <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
                <xml><ToUserName>&b;</ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>""".formatted(forged.encrypt());
        var otherCorp = AppClient.create(URI.create(stack.callbackUrl(BOT)), TOKEN, AES_KEY, "wwANOTHERCORP000000", AGENT);

        assertThat(app.sendRaw(forged).get().statusCode()).isEqualTo(401);
        assertThat(app.sendBody(app.sign(forged.encrypt()).query(), bomb).get().statusCode()).isEqualTo(400);
        assertThat(otherCorp.send(otherCorp.text(user, msgId(), "wrong corp")).get().statusCode()).isEqualTo(400);

        assertThat(publishedFrom(user)).isEmpty();
        assertThat(contents(user)).isEmpty();
    }

    private static List<String> contents(String user) {
        return wecomApi.apps().messagesTo(AGENT, user).stream().map(AppApis.AppMessage::content).toList();
    }

    private static List<String> expectedParts(String question) {
        return MarkdownSplitter.split(DifySimulator.expectedAnswer(question), ReplyDeliverer.APP_MESSAGE_MAX_BYTES);
    }

    /** About 3 KB over many lines: the simulator's answer repeats it, so it takes two parts or more. */
    private static String longQuestion(String marker) {
        return (marker + " " + UUID.randomUUID() + "\n" + "请把年假、病假和调休的规则逐条说明。\n".repeat(60)).strip();
    }

    /** Every inbound event of the bot whose sender is {@code user}, read to the topic's end. */
    private static List<MessageReceived> publishedFrom(String user) {
        var props = Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "app-e2e-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var found = new ArrayList<MessageReceived>();
        try (var consumer = new KafkaConsumer<String, RelayEvent>(props, new StringDeserializer(), EventSerde.any())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INBOUND.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.value() instanceof MessageReceived received && received.botId().equals(BOT)
                            && received.message().userId().equals(user)) {
                        found.add(received);
                    }
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return found;
    }

    private static long msgId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
