package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.sim.dify.AppMode;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every kind of Dify app (issue 19) and reasoning models, through one worker on the in-JVM broker and a real Redis,
 * against a Dify simulator whose keys are each bound to one kind of app: completion and workflow apps stream their
 * answers like chat apps, with the same endings for errors before and during the stream and for silence (the task
 * stopped on the app's own endpoint); a reasoning model's thinking, {@code <think>} tags cut across deltas or Dify's
 * {@code reasoning_chunk} events, shows while the reply streams and is gone from the final text unless the bot keeps it.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerDifyAppsTest {

    private static final String PREFIX = "apps";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final String CHAT_BOT = "bot-chat";
    private static final String SHOW_BOT = "bot-show";
    private static final String COMPLETION_BOT = "bot-completion";
    private static final String WORKFLOW_BOT = "bot-workflow";
    private static final String WRONG_TYPE_BOT = "bot-wrong-type";
    private static final String CHAT_KEY = "app-chat-key";
    private static final String COMPLETION_KEY = "app-completion-key";
    private static final String WORKFLOW_KEY = "app-workflow-key";
    private static final String REASONING_HEADER = "> **💭 思考过程 (Reasoning)**\n";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ErrorTexts TEXTS = new ErrorTexts(Map.of());
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final DifySimulator DIFY = DifySimulator.start(DifySimulatorConfig.defaults()
                    .withApiKeys(CHAT_KEY, COMPLETION_KEY, WORKFLOW_KEY).withCadence(6, Duration.ofMillis(40)))
            .appMode(CHAT_KEY, AppMode.CHAT).appMode(COMPLETION_KEY, AppMode.COMPLETION)
            .appMode(WORKFLOW_KEY, AppMode.WORKFLOW).workflowVariables("question", "result");

    @Autowired
    ReactiveStringRedisTemplate redis;

    @AfterAll
    static void stop() {
        DIFY.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relay.worker.bots-file", () -> botsFile().toString());
    }

    private static Path botsFile() {
        String base = "base-url: %s, allow-insecure-http: true".formatted(DIFY.baseUrl());
        String yaml = """
                bots:
                  - { id: %1$s, token: QDG6eK, aes-key: %2$s, dify: { %3$s, api-key: %4$s } }
                  - { id: %5$s, token: QDG6eK, aes-key: %2$s, dify: { %3$s, api-key: %4$s, reasoning: show } }
                  - id: %6$s
                    token: QDG6eK
                    aes-key: %2$s
                    dify: { %3$s, api-key: %7$s, app-type: completion, query-variable: question, inputs: { tenant: acme } }
                  - id: %8$s
                    token: QDG6eK
                    aes-key: %2$s
                    dify: { %3$s, api-key: %9$s, app-type: workflow, query-variable: question, output-variable: result }
                  - { id: %10$s, token: QDG6eK, aes-key: %2$s, dify: { %3$s, api-key: %9$s } }
                """.formatted(CHAT_BOT, WorkerTestSupport.AES_KEY, base, CHAT_KEY, SHOW_BOT, COMPLETION_BOT,
                COMPLETION_KEY, WORKFLOW_BOT, WORKFLOW_KEY, WRONG_TYPE_BOT);
        return WorkerTestSupport.botsFile(yaml);
    }

    @Test
    void aCompletionAppStreamsItsAnswerFromTheQueryInputWithoutAConversation() {
        String user = user();
        var first = message(COMPLETION_BOT, user, "翻译 hello [sim:deltas=8,delay-ms=40]");
        send(ACCEPTED, first);

        var reply = CHUNKS.awaitReply(first);

        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(first)));
        assertThat(reply.chunks().size()).as("streamed, not sent at the end").isGreaterThanOrEqualTo(3);
        assertThat(reply.last().usage()).isNotNull();
        var request = only(first);
        assertThat(request.mode()).isEqualTo(AppMode.COMPLETION);
        assertThat(request.inputs().path("question").asString()).isEqualTo(query(first));
        assertThat(request.inputs().path("tenant").asString()).isEqualTo("acme");
        assertThat(request.body()).doesNotContain("\"query\"").doesNotContain("conversation_id");

        var second = message(COMPLETION_BOT, user, "again [sim:deltas=2,delay-ms=5]");
        send(ACCEPTED, second);
        assertThat(CHUNKS.awaitReply(second).errorCode()).isNull();
        assertThat(only(second).body()).doesNotContain("conversation_id");
        assertThat(redis.hasKey("llm:conversation:" + first.conversationKey()).block()).isFalse();
    }

    @Test
    void aWorkflowAppStreamsItsTextChunksAndAnswersWithItsOutputVariable() {
        var message = message(WORKFLOW_BOT, user(), "总结一下 [sim:deltas=8,delay-ms=40]");
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
        assertThat(reply.chunks().size()).as("streamed, not sent at the end").isGreaterThanOrEqualTo(3);
        assertThat(reply.chunks().subList(0, reply.chunks().size() - 1)).anySatisfy(chunk ->
                assertThat(chunk.text()).isNotEmpty());
        var request = only(message);
        assertThat(request.mode()).isEqualTo(AppMode.WORKFLOW);
        assertThat(request.inputs().path("question").asString()).isEqualTo(query(message));
        assertThat(redis.hasKey("llm:conversation:" + message.conversationKey()).block()).isFalse();
    }

    @Test
    void errorsDuringTheStreamFinishWithAnExplanationForEveryAppType() {
        var completion = message(COMPLETION_BOT, user(), uniq("[sim:error-mid]"));
        var workflow = message(WORKFLOW_BOT, user(), uniq("[sim:error-mid]"));
        List.of(completion, workflow).forEach(m -> send(ACCEPTED, m));

        for (var message : List.of(completion, workflow)) {
            var reply = CHUNKS.awaitReply(message);
            assertThat(reply.errorCode()).as(message.botId()).isEqualTo("completion_request_error");
            assertThat(reply.text()).as(message.botId()).startsWith("你好")
                    .endsWith("\n\n" + TEXTS.sentence("completion_request_error"));
        }
    }

    @Test
    void errorsBeforeTheStreamFinishWithAnExplanationForEveryAppType() {
        var busy = message(COMPLETION_BOT, user(), uniq("[sim:http-429]"));
        var invalid = message(WORKFLOW_BOT, user(), uniq("[sim:http-400]"));
        var wrongType = message(WRONG_TYPE_BOT, user(), uniq("hello"));
        List.of(busy, invalid, wrongType).forEach(m -> send(ACCEPTED, m));

        assertThat(CHUNKS.awaitReply(busy).errorCode()).isEqualTo("too_many_requests");
        assertThat(DIFY.requestsFor(query(busy))).as("429 is retried with backoff").hasSize(3);
        var invalidReply = CHUNKS.awaitReply(invalid);
        assertThat(invalidReply.errorCode()).isEqualTo("invalid_param");
        assertThat(invalidReply.text()).isEqualTo(TEXTS.sentence("invalid_param"));
        var wrongReply = CHUNKS.awaitReply(wrongType);
        assertThat(wrongReply.errorCode()).as("a workflow's key on /chat-messages").isEqualTo("not_chat_app");
        assertThat(wrongReply.text()).isEqualTo(TEXTS.sentence("not_chat_app")).contains("not set up correctly");
    }

    @Test
    void silenceFinishesTheReplyAndStopsTheTaskOnTheAppsOwnEndpoint() {
        var completion = message(COMPLETION_BOT, user(), uniq("[sim:silent-hang]"));
        var workflow = message(WORKFLOW_BOT, user(), uniq("[sim:silent-hang]"));
        List.of(completion, workflow).forEach(m -> send(ACCEPTED, m));

        for (var message : List.of(completion, workflow)) {
            var reply = CHUNKS.awaitReply(message);
            assertThat(reply.errorCode()).isEqualTo(ErrorCodes.IDLE_TIMEOUT);
            assertThat(reply.text()).startsWith("你好").contains("went quiet");
            String taskId = only(message).taskId();
            await("stop of " + message.botId()).atMost(WAIT).until(() -> DIFY.stops().stream()
                    .anyMatch(stop -> stop.taskId().equals(taskId) && stop.stoppedStream()));
        }
    }

    @Test
    void thinkTagsCutAcrossDeltasShowWhileStreamingAndAreGoneFromTheFinalText() {
        var message = message(CHAT_BOT, user(), uniq("why? [sim:think,deltas=150,delay-ms=8]"));
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
        assertThat(displays(reply)).as("the thinking while it streams, as WeCom's thinking block").anySatisfy(display ->
                assertThat(display).startsWith("<think>用户问的是："));
        assertThat(displays(reply)).as("...closed above the answer once it starts").anySatisfy(display ->
                assertThat(display).startsWith("<think>" + DifySimulator.expectedReasoning(query(message)).strip()
                        + "</think>\n\n你好"));
        assertThat(displays(reply)).as("Dify's own tags never reach WeCom: one block, opened and closed by the worker")
                .allSatisfy(display -> assertThat(display.split("<think>", -1)).hasSizeLessThanOrEqualTo(2));
    }

    @Test
    void aBotThatShowsReasoningKeepsItAboveTheFinalAnswer() {
        var message = message(SHOW_BOT, user(), uniq("why? [sim:think,deltas=40,delay-ms=10]"));
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(REASONING_HEADER + quoted(DifySimulator.expectedReasoning(query(message)))
                + "\n\n" + DifySimulator.expectedAnswer(query(message)));
    }

    @Test
    void difysReasoningEventsShowWhileAWorkflowStreamsAndAreGoneFromTheFinalText() {
        var message = message(WORKFLOW_BOT, user(), uniq("think apart [sim:reasoning,deltas=6,delay-ms=60]"));
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
        assertThat(displays(reply)).anySatisfy(display -> assertThat(display).startsWith("<think>用户问的是："));
    }

    /** The thinking as the quote shows it: every line quoted, the empty ones too. */
    private static String quoted(String reasoning) {
        return "> " + reasoning.replace("\n", "\n> ");
    }

    /** What the user saw after each chunk: the responder's fold of the chunks up to it. */
    private static List<String> displays(WorkerTestSupport.Reply reply) {
        var shown = new ArrayList<String>();
        for (int i = 1; i <= reply.chunks().size(); i++) {
            shown.add(ReplyText.fold(reply.chunks().subList(0, i)));
        }
        return shown;
    }

    private static MessageAccepted message(String bot, String user, String text) {
        return WorkerTestSupport.text(bot, user, text, Instant.now());
    }

    private static String uniq(String text) {
        return "q-" + UUID.randomUUID().toString().substring(0, 8) + " " + text;
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString().strip();
    }

    private static RecordedChatRequest only(MessageAccepted message) {
        var requests = DIFY.requestsFor(query(message));
        assertThat(requests).as("Dify requests for %s", query(message)).hasSize(1);
        return requests.get(0);
    }
}
