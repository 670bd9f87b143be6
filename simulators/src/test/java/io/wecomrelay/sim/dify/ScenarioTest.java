package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every scenario, chosen both ways: {@link DifySimulator#scenario(Scenario)} and a query directive. */
class ScenarioTest {

    private static final String KEY = DifySimulatorConfig.DEFAULT_API_KEY;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static DifySimulator sim;
    private static SimClient client;

    enum Mode { PROGRAMMATIC, DIRECTIVE }

    @BeforeAll
    static void start() {
        sim = DifySimulator.start(DifySimulatorConfig.defaults()
                .withCadence(4, Duration.ofMillis(5))
                .withPause(Duration.ofMillis(300), Duration.ofMillis(50)));
        client = new SimClient(sim.baseUrl());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void clean() {
        sim.reset();
    }

    static Stream<Arguments> httpErrors() {
        var cases = List.of(
                Arguments.of(Scenario.HTTP_400, 400, "invalid_param"),
                Arguments.of(Scenario.HTTP_404, 404, "not_found"),
                Arguments.of(Scenario.HTTP_429, 429, "too_many_requests"),
                Arguments.of(Scenario.HTTP_500, 500, "internal_server_error"));
        return Stream.of(Mode.values()).flatMap(mode -> cases.stream()
                .map(c -> Arguments.of(mode, c.get()[0], c.get()[1], c.get()[2])));
    }

    @ParameterizedTest(name = "{1} via {0}")
    @MethodSource("httpErrors")
    void httpErrorsComeBeforeAnyStreamAsJson(Mode mode, Scenario scenario, int status, String code) {
        var response = chat(scenario, mode, "fail please");

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.json().get("code").stringValue()).isEqualTo(code);
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("message").stringValue()).isNotBlank();
        assertThat(sim.conversationCount()).isZero();
        assertThat(sim.chatRequests()).singleElement().satisfies(request -> {
            assertThat(request.scenario()).isEqualTo(scenario);
            assertThat(request.status()).isEqualTo(status);
        });
    }

    @Test
    void http404CarriesDifysConversationMessage() {
        var response = chat(Scenario.HTTP_404, Mode.DIRECTIVE, "x");
        assertThat(response.json().get("message").stringValue()).isEqualTo("Conversation Not Exists.");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void errorMidStreamSendsSomeDeltasThenAnErrorEventAndCloses(Mode mode) {
        var events = chat(Scenario.ERROR_MID_STREAM, mode, "boom").events();

        assertThat(types(events)).containsExactly("message", "message", "error");
        var error = events.get(events.size() - 1);
        assertThat(error.get("status").asInt()).isEqualTo(400);
        assertThat(error.get("code").stringValue()).isEqualTo("completion_request_error");
        assertThat(error.get("message").stringValue()).isNotBlank();
        assertThat(error.has("conversation_id") && error.has("message_id") && error.has("created_at")).isTrue();
        assertThat(error.has("task_id")).as("Dify's error event has no task_id").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pauseSendsPingsBetweenTheTwoHalves(Mode mode) {
        var started = System.nanoTime();
        var response = chat(Scenario.PAUSE, mode, "slow");
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        var frames = response.frames();
        assertThat(frames).contains("event: ping");
        var firstPing = frames.indexOf("event: ping");
        var lastPing = frames.lastIndexOf("event: ping");
        assertThat(lastPing - firstPing + 1).as("pings every 50 ms for 300 ms").isBetween(3, 6);
        assertThat(frames.subList(firstPing, lastPing + 1)).containsOnly("event: ping");
        assertThat(frames.subList(0, firstPing)).hasSize(2);
        assertThat(types(response.events())).endsWith("message", "message", "message_end");
        assertThat(ChatStreamTest.answer(response)).isEqualTo(DifySimulator.expectedAnswer(prepareQuery(Scenario.PAUSE, mode, "slow")));
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void directiveSettingsOverrideTiming() {
        var response = client.chat(KEY, SimClient.chatBody("alice", "[sim:pause, deltas=2, pause-ms=120, ping-ms=30]"));

        assertThat(types(response.events())).containsExactly("message", "message", "message_end");
        assertThat(response.frames().stream().filter("event: ping"::equals).count()).isBetween(3L, 4L);
    }

    @Test
    void unknownDirectiveIsRejected() {
        var response = client.chat(KEY, SimClient.chatBody("alice", "[sim:eror-mid]"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("message").stringValue()).contains("eror-mid");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void silentHangSendsOneDeltaThenNothingUntilTheClientLeaves(Mode mode) {
        var frames = new CopyOnWriteArrayList<String>();
        var terminated = new AtomicBoolean();
        var subscription = client.chatFrames(KEY, SimClient.chatBody("alice", prepareQuery(Scenario.SILENT_HANG, mode, "hang")))
                .doFinally(signal -> terminated.set(true))
                .subscribe(frames::add, error -> { });
        await("first delta").atMost(WAIT).until(() -> !frames.isEmpty());
        // the control stream proves the simulator kept sending in the window in which the hang sent nothing
        var pings = new CopyOnWriteArrayList<String>();
        var control = client.chatFrames(KEY, SimClient.chatBody("bob", "control [sim:hold-open, ping-ms=20]"))
                .subscribe(pings::add, error -> { });
        await("fifteen control pings").atMost(WAIT).until(() -> pings.size() >= 15);

        assertThat(frames).singleElement().satisfies(frame ->
                assertThat(SimClient.event(frame).get("event").stringValue()).isEqualTo("message"));
        assertThat(terminated).isFalse();
        assertThat(sim.openStreams()).isEqualTo(2);
        subscription.dispose();
        control.dispose();
        await("stream released").atMost(WAIT).until(() -> sim.openStreams() == 0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noTerminalEndsTheResponseWithoutMessageEnd(Mode mode) {
        var response = chat(Scenario.NO_TERMINAL, mode, "cut");

        assertThat(response.status()).isEqualTo(200);
        assertThat(types(response.events())).containsExactly("message", "message", "message", "message");
        assertThat(ChatStreamTest.answer(response)).isEqualTo(DifySimulator.expectedAnswer(prepareQuery(Scenario.NO_TERMINAL, mode, "cut")));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void splitMultibyteCutsCharactersAcrossReceivedChunks(Mode mode) {
        var response = chat(Scenario.SPLIT_MULTIBYTE, mode, "中文🙂");

        assertThat(response.chunks()).as("one chunk per flushed piece, give or take coalescing")
                .hasSizeGreaterThan(response.frames().size() * 3);
        assertThat(response.chunks()).as("some received chunk ends inside a multi-byte character")
                .anySatisfy(chunk -> assertThat(Utf8.endsMidCharacter(chunk)).isTrue());
        assertThat(types(response.events())).endsWith("message_end");
        assertThat(ChatStreamTest.answer(response))
                .isEqualTo(DifySimulator.expectedAnswer(prepareQuery(Scenario.SPLIT_MULTIBYTE, mode, "中文🙂")));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messageReplaceArrivesMidwayThenMessageEnd(Mode mode) {
        var events = chat(Scenario.MESSAGE_REPLACE, mode, "moderate me").events();

        assertThat(types(events)).containsExactly("message", "message", "message_replace", "message_end");
        assertThat(events.get(2).get("answer").stringValue()).contains("Sorry");
        assertThat(events.get(2).get("task_id").stringValue()).isEqualTo(events.get(0).get("task_id").stringValue());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void agentSendsThoughtFileAgentMessagesAndMessageEnd(Mode mode) {
        var query = prepareQuery(Scenario.AGENT, mode, "draw a cat");
        var events = chat(Scenario.AGENT, mode, "draw a cat").events();

        assertThat(types(events)).containsExactly("agent_thought", "message_file", "agent_thought",
                "agent_message", "agent_message", "agent_message", "agent_message", "message_end");
        assertThat(events.get(0).get("id").stringValue()).isEqualTo(events.get(2).get("id").stringValue());
        assertThat(events.get(0).get("tool_input").isString()).isTrue();
        var file = events.get(1);
        assertThat(file.get("type").stringValue()).isEqualTo("image");
        assertThat(file.get("belongs_to").stringValue()).isEqualTo("assistant");
        var image = client.get(file.get("url").stringValue());
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.contentType()).isEqualTo("image/png");
        var answer = new StringBuilder();
        events.stream().filter(e -> e.get("event").stringValue().equals("agent_message"))
                .forEach(e -> answer.append(e.get("answer").stringValue()));
        assertThat(answer).hasToString(DifySimulator.expectedAnswer(query));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void imagesAnswerWithMarkdownImagesAndARelativeMessageFile(Mode mode) {
        var query = prepareQuery(Scenario.IMAGES, mode, "show me");
        var events = chat(Scenario.IMAGES, mode, "show me").events();

        assertThat(types(events)).containsExactly("message", "message", "message", "message", "message",
                "message_file", "message", "message_end");
        var text = new StringBuilder();
        events.stream().filter(e -> e.get("event").stringValue().equals("message"))
                .forEach(e -> text.append(e.get("answer").stringValue()));
        assertThat(text).hasToString(DifySimulator.expectedAnswer(query)
                + "\n\nThe chart: ![chart](/files/images/chart.png)"
                + "Also: ![notes](/files/images/notes.png) ![big](/files/images/big.png) ![elsewhere]("
                + SimImages.ELSEWHERE + ")");
        var file = events.get(5);
        assertThat(file.get("type").stringValue()).isEqualTo("image");
        assertThat(file.get("url").stringValue()).as("relative, as self-hosted Dify sends it")
                .startsWith("/files/tools/").endsWith(".jpg");
        var jpg = client.get(origin() + file.get("url").stringValue());
        assertThat(jpg.contentType()).isEqualTo("image/jpeg");
        assertThat(jpg.bytes()).isEqualTo(SimImages.jpg()).startsWith(0xff, 0xd8, 0xff);
    }

    @Test
    void theImagesScenariosFilesAreAPngTextUnderAnImageNameATooLargeImageAndNothing() {
        var chart = client.get(origin() + "/files/images/" + SimImages.CHART);
        assertThat(chart.contentType()).isEqualTo("image/png");
        assertThat(chart.bytes()).isEqualTo(SimImages.png()).startsWith(0x89, 'P', 'N', 'G');

        var notes = client.get(origin() + "/files/images/" + SimImages.NOTES);
        assertThat(notes.contentType()).isEqualTo("image/png");
        assertThat(notes.text()).startsWith("These are notes");

        var big = client.get(origin() + "/files/images/" + SimImages.BIG);
        assertThat(big.bytes()).hasSize(SimImages.BIG_BYTES).startsWith(0x89, 'P', 'N', 'G');

        assertThat(client.get(origin() + "/files/images/missing.png").status()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void chatflowWrapsMessagesInWorkflowAndNodeEvents(Mode mode) {
        var events = chat(Scenario.CHATFLOW, mode, "flow").events();

        assertThat(types(events)).containsExactly("workflow_started", "node_started", "node_finished",
                "node_started", "message", "message", "message", "message", "node_finished", "node_started",
                "node_finished", "message_end", "workflow_finished");
        var runId = events.get(0).get("workflow_run_id").stringValue();
        assertThat(events.get(0).get("data").get("id").stringValue()).isEqualTo(runId);
        assertThat(events).filteredOn(e -> e.get("event").stringValue().startsWith("node_")
                        || e.get("event").stringValue().startsWith("workflow_"))
                .allSatisfy(e -> assertThat(e.get("workflow_run_id").stringValue()).isEqualTo(runId));
        var finished = events.get(events.size() - 1).get("data");
        assertThat(finished.get("status").stringValue()).isEqualTo("succeeded");
        assertThat(finished.get("outputs").get("answer").stringValue())
                .isEqualTo(DifySimulator.expectedAnswer(prepareQuery(Scenario.CHATFLOW, mode, "flow")));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void holdOpenPingsUntilTheClientLeaves(Mode mode) {
        sim.pause(Duration.ofSeconds(1), Duration.ofMillis(30));
        var frames = new CopyOnWriteArrayList<String>();
        var subscription = client.chatFrames(KEY, SimClient.chatBody("alice", prepareQuery(Scenario.HOLD_OPEN, mode, "hold")))
                .subscribe(frames::add, error -> { });

        await("three pings").atMost(WAIT).until(() -> frames.size() >= 3);

        assertThat(frames).containsOnly("event: ping");
        assertThat(sim.openStreams()).isEqualTo(1);
        subscription.dispose();
        await("stream released").atMost(WAIT).until(() -> sim.openStreams() == 0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void endlessLineSendsOneDeltaThenALineThatNeverEnds(Mode mode) {
        var after = bytesAfterTheFirstFrame(Scenario.ENDLESS_LINE, mode, 64 * 1024);

        assertThat(after).startsWith("data: {\"event\":\"message\"").contains("\"answer\":\"xxxx")
                .doesNotContain("\n", "\r");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void endlessEventSendsOneDeltaThenDataLinesThatNeverEndTheEvent(Mode mode) {
        var after = bytesAfterTheFirstFrame(Scenario.ENDLESS_EVENT, mode, 64 * 1024);

        assertThat(after).startsWith("data: {\"event\":\"message\"").doesNotContain("\n\n");
        var all = after.split("\n");
        // the last line may have been cut by the read
        var lines = java.util.Arrays.copyOf(all, all.length - 1);
        assertThat(lines.length).isGreaterThan(32);
        assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("data: ").hasSizeLessThanOrEqualTo(1024));
        assertThat(String.join("", java.util.Arrays.stream(lines).map(line -> line.substring(6)).toList()).strip())
                .as("the data so far is a JSON object without its closing brace").endsWith("\"answer\":\"x\"");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void endlessAnswerRepeatsTheDeltasAndNeverEnds(Mode mode) {
        var frames = new CopyOnWriteArrayList<String>();
        var subscription = client.chatFrames(KEY, SimClient.chatBody("alice", prepareQuery(Scenario.ENDLESS_ANSWER, mode, "more")))
                .subscribe(frames::add, error -> { });

        await("three rounds of deltas").atMost(WAIT).until(() -> frames.size() >= 12);

        subscription.dispose();
        assertThat(frames).allSatisfy(frame ->
                assertThat(SimClient.event(frame).get("event").stringValue()).isEqualTo("message"));
        var answer = new StringBuilder();
        frames.subList(0, 12).forEach(frame -> answer.append(SimClient.event(frame).get("answer").stringValue()));
        var once = DifySimulator.expectedAnswer(prepareQuery(Scenario.ENDLESS_ANSWER, mode, "more"));
        assertThat(answer).hasToString(once + once + once);
        await("stream released").atMost(WAIT).until(() -> sim.openStreams() == 0);
    }

    /** Reads the stream until {@code size} bytes came after its first frame, then leaves; returns those bytes. */
    private static String bytesAfterTheFirstFrame(Scenario scenario, Mode mode, int size) {
        var received = new java.io.ByteArrayOutputStream();
        var subscription = client.chatChunks(KEY, SimClient.chatBody("alice", prepareQuery(scenario, mode, "big")))
                .subscribe(chunk -> {
                    synchronized (received) {
                        received.writeBytes(chunk);
                    }
                }, error -> { });
        await(size + " bytes").atMost(WAIT).until(() -> {
            synchronized (received) {
                return received.size() >= size;
            }
        });
        subscription.dispose();
        await("stream released").atMost(WAIT).until(() -> sim.openStreams() == 0);
        String all;
        synchronized (received) {
            all = received.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        int firstFrameEnd = all.indexOf("\n\n");
        assertThat(SimClient.event(all.substring(0, firstFrameEnd)).get("event").stringValue()).isEqualTo("message");
        return all.substring(firstFrameEnd + 2);
    }

    @Test
    void directiveWinsOverTheProgrammaticScenario() {
        sim.scenario(Scenario.HTTP_500);

        var response = client.chat(KEY, SimClient.chatBody("alice", "[sim:normal] hi"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(sim.scenario()).isEqualTo(Scenario.HTTP_500);
        sim.reset();
        assertThat(sim.scenario()).isEqualTo(Scenario.NORMAL);
    }

    private static String origin() {
        return sim.baseUrl().substring(0, sim.baseUrl().length() - "/v1".length());
    }

    private static SimClient.Response chat(Scenario scenario, Mode mode, String text) {
        return client.chat(KEY, SimClient.chatBody("alice", prepareQuery(scenario, mode, text)));
    }

    /** Selects the scenario the chosen way: switches the simulator, or returns the text with a directive. */
    private static String prepareQuery(Scenario scenario, Mode mode, String text) {
        if (mode == Mode.PROGRAMMATIC) sim.scenario(scenario);
        return mode == Mode.DIRECTIVE ? text + " " + scenario.tag() : text;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event").stringValue()).toList();
    }
}
