package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.ChatResult;
import io.wecomrelay.sim.wecom.ChatSession;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The walking skeleton, end to end: the WeCom simulator talks to ingress; the message goes through
 * Kafka, the processor, the llm-worker, the Dify simulator, Kafka again, the responder and Redis,
 * and comes back through ingress's refresh answers. The services run as {@code java -jar}, exactly
 * as in production, against the test JVM's broker and Redis; ingress, the processor and the connector twice, as
 * {@code ./run-local.sh --instances ingress=2,processor=2,connector=2} runs them. The demo's long-connection bot
 * talks to the connector through the stack's long-connection simulator.
 */
class EndToEndTest {

    /**
     * Users are unique per run: Redis may outlive the Dify simulator (REDIS_URL), and a conversation
     * id remembered from an earlier run would cost an extra 404 round trip to a fresh simulator.
     */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Path WORK_DIR = Path.of("..").toAbsolutePath().normalize().resolve("devstack/target/e2e");

    /** The demo's long-connection bot (DemoBots). */
    static final String LONG_BOT = DemoBots.DEMO_LONG_CONNECTION_BOT_ID;
    /** Two connectors start with the stack; the group assigns the bot's partition once both joined. */
    static final Duration SUBSCRIBED = Duration.ofMinutes(2);

    static LocalStack stack;
    static BotConfig bot;
    static WecomClient wecom;

    @BeforeAll
    static void startStack() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        var settings = new StackSettings(root, WORK_DIR, null, Map.of(Service.INGRESS, 2, Service.PROCESSOR, 2,
                Service.CONNECTOR, 2), new FreePorts(), TestInfrastructure.kafkaBootstrapServers(),
                TestInfrastructure.redisUrl(), null, null, 0, 0, null, 0, Map.of(), true);
        stack = LocalStack.start(settings);
        bot = stack.bots().get(0);
        wecom = WecomClient.create(URI.create(stack.callbackUrl(bot.id())), bot.token().reveal(), bot.aesKey().reveal());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTextMessageGetsAReplyThatStreamsOverSeveralRefreshesAndFinishes() throws Exception {
        String question = "你好，端到端 " + UUID.randomUUID();
        var session = new ChatSession(wecom, bot.id(), Duration.ofMillis(300), Duration.ofMinutes(2));

        ChatResult result = session.chat(UUID.randomUUID().toString(), "zhangsan-" + RUN, null, question, frame -> { });

        assertThat(result.finished()).isTrue();
        assertThat(result.finalContent()).isEqualTo(DifySimulator.expectedAnswer(question));
        long partialFrames = result.frames().stream()
                .filter(frame -> !frame.equals(bot.placeholder()) && !frame.equals(result.finalContent())).count();
        assertThat(partialFrames).as("frames seen: %s", result.frames()).isGreaterThanOrEqualTo(1);
        assertThat(result.frames().size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aMessageIsOneTraceOnEveryTopicInTheDifyRequestAndInTheServicesLogLines() throws Exception {
        String question = "追踪 " + UUID.randomUUID();
        String msgId = UUID.randomUUID().toString();
        String streamId = StreamIds.of(bot.id(), msgId);
        var session = new ChatSession(wecom, bot.id(), Duration.ofMillis(300), Duration.ofMinutes(2));
        assertThat(session.chat(msgId, "zhaoliu-" + RUN, null, question, frame -> { }).finished()).isTrue();

        // the inbound record's traceparent names the message's trace; every later record continues it
        Map<String, List<String>> traceparents = traceparentsOf(streamId, List.of(Topics.INBOUND.name(),
                Topics.ACCEPTED.name(), Topics.CHUNKS.name(), Topics.REPLIES.name()));
        String traceId = traceparents.get(Topics.INBOUND.name()).get(0).substring(3, 35);
        assertThat(traceparents).allSatisfy((topic, values) -> assertThat(values).as(topic).isNotEmpty()
                .allSatisfy(value -> assertThat(value).matches("00-" + traceId + "-[0-9a-f]{16}-[0-9a-f]{2}")));
        // each hop wrote its own span as the parent: the decision's is not ingress's, the chunks' not the decision's
        assertThat(traceparents.get(Topics.ACCEPTED.name())).doesNotContainAnyElementsOf(traceparents.get(Topics.INBOUND.name()));
        assertThat(traceparents.get(Topics.CHUNKS.name())).doesNotContainAnyElementsOf(traceparents.get(Topics.ACCEPTED.name()));
        assertThat(stack.difySimulator().requestsFor(question)).isNotEmpty().allSatisfy(request ->
                assertThat(request.headers().get("traceparent")).startsWith("00-" + traceId + "-"));
        // ingress's accepted line and the responder's finished line carry it ([traceId-spanId] in Boot's pattern)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(logsWith("ingress-", traceId)).isNotEmpty();
            assertThat(logsWith("responder-", traceId)).isNotEmpty();
        });
    }

    /** The traceparent headers of the stream's records, per topic, read from the start. */
    private static Map<String, List<String>> traceparentsOf(String streamId, List<String> topics) {
        var found = new java.util.TreeMap<String, List<String>>();
        topics.forEach(topic -> found.put(topic, new java.util.ArrayList<>()));
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-trace-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (new String(record.value(), StandardCharsets.UTF_8).contains(streamId)) {
                        Header header = record.headers().lastHeader("traceparent");
                        found.get(record.topic()).add(header == null ? "none" : new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
                return found.values().stream().noneMatch(List::isEmpty);
            });
        }
        return found;
    }

    /** The service logs of the stack ({@code <service>-n.log}) with a line carrying the trace id. */
    private static List<Path> logsWith(String servicePrefix, String traceId) throws IOException {
        try (var logs = Files.list(WORK_DIR.resolve("logs"))) {
            return logs.filter(log -> log.getFileName().toString().startsWith(servicePrefix))
                    .filter(log -> {
                        try {
                            return Files.readString(log).contains("[" + traceId + "-");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
    }

    @Test
    void anAnswersImagesReachTheUserAsMsgItemOnTheFinalFrameAndTheOthersAreNamed() throws Exception {
        String question = "画图 " + UUID.randomUUID() + " [sim:images]";
        var session = new ChatSession(wecom, bot.id(), Duration.ofMillis(300), Duration.ofMinutes(2));

        ChatResult result = session.chat(UUID.randomUUID().toString(), "wangwu-" + RUN, null, question, frame -> { });

        // the simulated WeCom client checks every msg_item's base64 and MD5 as WeCom does
        assertThat(result.finished()).isTrue();
        assertThat(result.images()).containsExactly(SimImages.png(), SimImages.jpg());
        assertThat(result.finalContent()).startsWith(DifySimulator.expectedAnswer(question))
                .contains("image unavailable: notes]", "image unavailable: big]", "image unavailable: elsewhere]")
                .doesNotContain("![");
    }

    @Test
    void theSameMsgIdThreeTimesCausesOneDifyCallAndOneReply() throws Exception {
        String question = "retry storm " + UUID.randomUUID();
        String msgId = UUID.randomUUID().toString();
        var message = WecomMessages.text(bot.id(), msgId, "lisi-" + RUN, null, question);
        var streamIds = new HashSet<String>();

        for (int i = 0; i < 3; i++) {
            // a 503 (Redis slow to take the stream marker on a loaded machine) is answered as WeCom does: sent again,
            // which is one more retry of the same msgid, the very thing under test
            CallbackResponse response = await().atMost(Duration.ofSeconds(30))
                    .until(() -> wecom.send(message).get(), sent -> sent.status() != 503);
            assertThat(response.status()).isEqualTo(200);
            streamIds.add(response.streamId());
        }
        var session = new ChatSession(wecom, bot.id(), Duration.ofMillis(300), Duration.ofMinutes(2));
        ChatResult result = session.chat(msgId, "lisi-" + RUN, null, question, frame -> { });

        assertThat(streamIds).containsExactly(StreamIds.of(bot.id(), msgId));
        assertThat(result.streamId()).isEqualTo(StreamIds.of(bot.id(), msgId));
        assertThat(result.finished()).isTrue();
        assertThat(result.finalContent()).isEqualTo(DifySimulator.expectedAnswer(question));
        assertThat(stack.difySimulator().requestsFor(question)).hasSize(1);
    }

    @Test
    void aWrongSignatureIsRefusedAndReachesNobody() throws Exception {
        String question = "forged " + UUID.randomUUID();
        String plaintext = io.wecomrelay.schemas.wecom.WecomJson.write(
                WecomMessages.text(bot.id(), UUID.randomUUID().toString(), "mallory", null, question));

        CallbackResponse response = wecom.sendRaw(wecom.sign(wecom.encrypt(plaintext)).withSignature("f".repeat(40))).get();

        assertThat(response.status()).isEqualTo(401);
        // the next good message is answered; the forged one never reached Dify
        var session = new ChatSession(wecom, bot.id(), Duration.ofMillis(300), Duration.ofMinutes(2));
        assertThat(session.chat(UUID.randomUUID().toString(), "alice-" + RUN, null, "after forgery", frame -> { }).finished()).isTrue();
        assertThat(stack.difySimulator().requestsFor(question)).isEmpty();
    }

    @Test
    void aStreamStartedOnOneIngressInstanceIsAnsweredByTheOther() throws Exception {
        String question = "two instances " + UUID.randomUUID();
        String msgId = UUID.randomUUID().toString();
        var second = WecomClient.create(URI.create(stack.callbackUrl(stack.instances(Service.INGRESS).get(1), bot.id())),
                bot.token().reveal(), bot.aesKey().reveal());

        CallbackResponse first = wecom.send(WecomMessages.text(bot.id(), msgId, "wangwu-" + RUN, null, question)).get();
        var session = new ChatSession(second, bot.id(), Duration.ofMillis(300), Duration.ofMinutes(2));
        ChatResult result = session.chat(msgId, "wangwu-" + RUN, null, question, frame -> { });

        assertThat(first.streamId()).isEqualTo(result.streamId());
        assertThat(result.finished()).isTrue();
        assertThat(result.finalContent()).isEqualTo(DifySimulator.expectedAnswer(question));
    }

    @Test
    void everyInstanceIsHealthyWithItsOwnLogAndEachProcessorWithItsOwnState() throws Exception {
        for (Service service : Service.values()) {
            for (ServiceInstance instance : stack.instances(service)) {
                assertThat(status(stack.managementUrl(instance) + "/actuator/health")).as(instance.name()).isEqualTo(200);
                assertThat(Files.readString(WORK_DIR.resolve("logs").resolve(instance.name() + ".log")))
                        .as(instance.name()).contains("Started ");
            }
        }
        assertThat(stack.instances(Service.INGRESS)).hasSize(2);
        for (ServiceInstance processor : stack.instances(Service.PROCESSOR)) {
            // Kafka Streams' per-instance state (its process id file and task directories)
            assertThat(WORK_DIR.resolve("processor-state").resolve(processor.name())).as(processor.name()).isDirectory();
        }
    }

    @Test
    void healthAndMetricsAreOnTheManagementPortsOnly() throws Exception {
        for (Service service : Service.values()) {
            ServiceInstance instance = stack.instances(service).get(0);
            assertThat(status(stack.managementUrl(instance) + "/actuator/health")).as(instance.name()).isEqualTo(200);
            assertThat(status(stack.managementUrl(instance) + "/actuator/prometheus")).as(instance.name()).isEqualTo(200);
        }
        String callbackOrigin = URI.create(stack.callbackUrl(bot.id())).resolve("/").toString();
        assertThat(status(callbackOrigin + "actuator/health")).isEqualTo(404);
        assertThat(status(callbackOrigin + "actuator/prometheus")).isEqualTo(404);
    }

    @Test
    void aLongConnectionBotsMessageIsAnsweredThroughThePipelineAsStreamFrames() {
        LongConnectionSimulator wecomWs = stack.longConnectionSimulator();
        await().atMost(SUBSCRIBED).until(() -> wecomWs.subscribed(LONG_BOT));
        String question = "长连接 " + UUID.randomUUID();

        var message = wecomWs.sendText(LONG_BOT, "zhaoliu-" + RUN, question);

        List<ReceivedFrame> frames = awaitFinished(wecomWs, message.reqId());
        assertThat(frames.get(0).streamContent()).isEqualTo("正在思考…");
        assertThat(frames.get(frames.size() - 1).streamContent()).isEqualTo(DifySimulator.expectedAnswer(question));
        assertThat(frames).allMatch(frame -> frame.streamId().equals(StreamIds.of(LONG_BOT, message.msgId())));
        assertThat(wecomWs.violations()).as("never a frame before the previous one's ack").isEmpty();
        assertThat(wecomWs.kicks(LONG_BOT)).isZero();

        // one trace from the connector's receipt through the processor, the worker and the responder back to the
        // connector: every record continues the connector's, and the worker's and connector's lines carry it
        Map<String, List<String>> traceparents = traceparentsOf(StreamIds.of(LONG_BOT, message.msgId()), List.of(
                Topics.INBOUND.name(), Topics.ACCEPTED.name(), Topics.CHUNKS.name(), Topics.OUTBOUND.name()));
        String traceId = traceparents.get(Topics.INBOUND.name()).get(0).substring(3, 35);
        assertThat(traceparents).allSatisfy((topic, values) -> assertThat(values).as(topic)
                .allSatisfy(value -> assertThat(value).matches("00-" + traceId + "-[0-9a-f]{16}-[0-9a-f]{2}")));
        assertThat(stack.difySimulator().requestsFor(question)).isNotEmpty().allSatisfy(request ->
                assertThat(request.headers().get("traceparent")).startsWith("00-" + traceId + "-"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(logsWith("llm-worker-", traceId)).as("the worker's reply start, after Redis answered").isNotEmpty();
            assertThat(logsWith("connector-", traceId)).as("the connector's accepted and stream-finished lines").isNotEmpty();
        });

        // the user likes the answer (the feedback id is the stream id): Dify hears it, as for callback bots
        int feedbacks = stack.difySimulator().feedbacks().size();
        var liked = JsonMapper.builder().build().createObjectNode().put("id", StreamIds.of(LONG_BOT, message.msgId())).put("type", 1);
        wecomWs.sendEvent(LONG_BOT, "zhaoliu-" + RUN, "feedback_event", liked);
        await().atMost(Duration.ofMinutes(1)).until(() -> stack.difySimulator().feedbacks().size() > feedbacks);
        assertThat(stack.difySimulator().feedbacks().get(feedbacks).rating()).isEqualTo("like");
    }

    @Test
    void aLongConnectionAnswersImagesAreUploadedOnTheSocketAndSentAfterTheFinishFrame() {
        LongConnectionSimulator wecomWs = stack.longConnectionSimulator();
        await().atMost(SUBSCRIBED).until(() -> wecomWs.subscribed(LONG_BOT));
        String question = "长连接画图 " + UUID.randomUUID() + " [sim:images]";

        var message = wecomWs.sendText(LONG_BOT, "zhouba-" + RUN, question);

        // the simulator checks every chunk's size, the upload's MD5 and that the image names an uploaded media id
        await().atMost(Duration.ofMinutes(2)).until(() -> wecomWs.sentImages(LONG_BOT).stream()
                .filter(image -> image.reqId().equals(message.reqId())).count() == 2);
        assertThat(wecomWs.sentImages(LONG_BOT)).filteredOn(image -> image.reqId().equals(message.reqId()))
                .extracting(image -> image.media().bytes()).containsExactly(SimImages.png(), SimImages.jpg());
        ReceivedFrame finish = awaitFinished(wecomWs, message.reqId()).stream().filter(ReceivedFrame::finished)
                .findFirst().orElseThrow();
        assertThat(finish.streamContent()).startsWith(DifySimulator.expectedAnswer(question))
                .contains("image unavailable: notes]", "image unavailable: big]").doesNotContain("![");
    }

    /**
     * Issue 14: the connector instance holding the bot's socket dies without closing anything (SIGKILL, as a crash);
     * the consumer group hands its partitions to the other instance after session.timeout.ms (10 s), which subscribes
     * as the bot within 30 s of the kill and answers the next message through the whole pipeline. The killed
     * instance is started again afterwards, so the other tests see every instance up.
     */
    @Test
    void whenTheConnectorHoldingABotIsKilledTheOtherSubscribesWithin30SecondsAndAnswersTheNextMessage() throws Exception {
        LongConnectionSimulator wecomWs = stack.longConnectionSimulator();
        await().atMost(SUBSCRIBED).until(() -> wecomWs.subscribed(LONG_BOT) && holder(LONG_BOT) != null);
        ServiceInstance owner = holder(LONG_BOT);
        int subscribes = wecomWs.subscribes(LONG_BOT);

        stack.kill(owner);
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> wecomWs.subscribes(LONG_BOT) > subscribes && wecomWs.subscribed(LONG_BOT));
        Duration moved = Duration.ofNanos(System.nanoTime() - killed);
        String question = "after the kill " + UUID.randomUUID();
        var next = wecomWs.sendText(LONG_BOT, "sunqi-" + RUN, question);

        List<ReceivedFrame> frames = awaitFinished(wecomWs, next.reqId());
        assertThat(frames.get(frames.size() - 1).streamContent()).isEqualTo(DifySimulator.expectedAnswer(question));
        assertThat(holder(LONG_BOT)).as("subscribed again after %s ms", moved.toMillis()).isNotNull().isNotEqualTo(owner);
        assertThat(wecomWs.kicks(LONG_BOT)).as("no instance kicked another").isZero();
        stack.restart(owner);
    }

    /** The connector instance whose gauge shows the bot's socket subscribed (2), or null while none does. */
    private static ServiceInstance holder(String botId) throws IOException, InterruptedException {
        String tag = "bot=\"" + botId + "\"";
        for (ServiceInstance connector : stack.instances(Service.CONNECTOR)) {
            if (!stack.isHealthy(connector)) {
                continue;
            }
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(stack.managementUrl(connector) + "/actuator/prometheus"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.lines().anyMatch(line -> line.startsWith("relay_connector_connection_state{") && line.contains(tag)
                    && line.endsWith(" 2.0"))) {
                return connector;
            }
        }
        return null;
    }

    private static List<ReceivedFrame> awaitFinished(LongConnectionSimulator wecomWs, String reqId) {
        return await().atMost(Duration.ofMinutes(2)).until(() -> wecomWs.framesFor(reqId).stream()
                .filter(frame -> frame.cmd().equals("aibot_respond_msg")).toList(),
                frames -> frames.stream().anyMatch(ReceivedFrame::finished));
    }

    private static int status(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
