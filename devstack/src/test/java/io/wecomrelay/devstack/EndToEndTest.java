package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.ChatResult;
import io.wecomrelay.sim.wecom.ChatSession;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton, end to end: the WeCom simulator talks to ingress; the message goes through
 * Kafka, the processor, the llm-worker, the Dify simulator, Kafka again, the responder and Redis,
 * and comes back through ingress's refresh answers. The services run as {@code java -jar}, exactly
 * as in production, against the test JVM's broker and Redis; ingress and the processor twice, as
 * {@code ./run-local.sh --instances ingress=2,processor=2} runs them.
 */
class EndToEndTest {

    /**
     * Users are unique per run: Redis may outlive the Dify simulator (REDIS_URL), and a conversation
     * id remembered from an earlier run would cost an extra 404 round trip to a fresh simulator.
     */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Path WORK_DIR = Path.of("..").toAbsolutePath().normalize().resolve("devstack/target/e2e");

    static LocalStack stack;
    static BotConfig bot;
    static WecomClient wecom;

    @BeforeAll
    static void startStack() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        var settings = new StackSettings(root, WORK_DIR, null, Map.of(Service.INGRESS, 2, Service.PROCESSOR, 2), new FreePorts(),
                TestInfrastructure.kafkaBootstrapServers(), TestInfrastructure.redisUrl(), null, null, 0, 0, Map.of(), true);
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

    private static int status(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
