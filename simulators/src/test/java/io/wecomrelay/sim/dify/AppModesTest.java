package io.wecomrelay.sim.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Completion and workflow apps: their endpoints, events, stops and errors, and keys bound to one mode. */
class AppModesTest {

    private static final String KEY = "app-modes-key";
    private static final String WORKFLOW_KEY = "app-workflow-key";
    private static final DifySimulator sim = DifySimulator.start(DifySimulatorConfig.defaults()
            .withApiKeys(KEY, WORKFLOW_KEY).withCadence(4, Duration.ofMillis(5)));
    private static final SimClient client = new SimClient(sim.baseUrl());

    @AfterAll
    static void close() {
        sim.close();
    }

    /** Every test starts from the defaults: no key bound, the default variables. */
    @BeforeEach
    void defaults() {
        sim.reset();
    }

    private static ObjectNode runBody(String user, String variable, String query) {
        var body = SimClient.JSON.createObjectNode().put("response_mode", "streaming").put("user", user);
        body.putObject("inputs").put(variable, query).put("tenant", "acme");
        return body;
    }

    private static List<String> names(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event").stringValue()).toList();
    }

    @Test
    void aCompletionStreamsMessagesWithoutAConversationAndAnswersTheQueryInput() {
        var response = client.post("/completion-messages", KEY, runBody("alice", "query", "Translate hello"));

        assertThat(response.status()).isEqualTo(200);
        var events = response.events();
        assertThat(names(events)).containsExactly("message", "message", "message", "message", "message_end");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.has("conversation_id")).isFalse();
            assertThat(event.get("message_id").stringValue()).isNotBlank();
        });
        assertThat(events.subList(0, 4).stream().map(e -> e.get("answer").stringValue()).reduce("", String::concat))
                .isEqualTo(DifySimulator.expectedAnswer("Translate hello"));
        var recorded = sim.chatRequests().get(0);
        assertThat(recorded.mode()).isEqualTo(AppMode.COMPLETION);
        assertThat(recorded.query()).isEqualTo("Translate hello");
        assertThat(recorded.inputs().path("tenant").stringValue()).isEqualTo("acme");
        assertThat(sim.conversationCount()).isZero();
    }

    @Test
    void aWorkflowStreamsTextChunksAndFinishesWithTheAnswerInItsOutputVariable() {
        sim.workflowVariables("question", "reply");

        var response = client.post("/workflows/run", KEY, runBody("bob", "question", "Summarize"));

        var events = response.events();
        assertThat(names(events)).containsExactly("workflow_started", "node_started", "text_chunk", "text_chunk",
                "text_chunk", "text_chunk", "workflow_finished");
        String runId = events.get(0).get("workflow_run_id").stringValue();
        assertThat(events).allSatisfy(event -> {
            assertThat(event.get("workflow_run_id").stringValue()).isEqualTo(runId);
            assertThat(event.has("conversation_id")).isFalse();
        });
        assertThat(events.get(0).path("data").path("inputs").path("question").stringValue()).isEqualTo("Summarize");
        String streamed = events.subList(2, 6).stream().map(e -> e.path("data").path("text").stringValue())
                .reduce("", String::concat);
        assertThat(streamed).isEqualTo(DifySimulator.expectedAnswer("Summarize"));
        var finished = events.get(6).path("data");
        assertThat(finished.path("status").stringValue()).isEqualTo("succeeded");
        assertThat(finished.path("outputs").path("reply").stringValue()).isEqualTo(streamed);
        assertThat(sim.requestsFor("Summarize")).singleElement()
                .satisfies(recorded -> assertThat(recorded.mode()).isEqualTo(AppMode.WORKFLOW));
    }

    @Test
    void aRunWithoutItsQueryInputIsRefusedLikeDify() {
        var response = client.post("/workflows/run", KEY, runBody("bob", "text", "no query variable"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("code").stringValue()).isEqualTo("invalid_param");
        assertThat(response.json().path("message").stringValue()).isEqualTo("query is required in input form");
    }

    @Test
    void aWorkflowThatFailsMidStreamSendsAFailedRunThenAnError() {
        var response = client.post("/workflows/run", KEY, runBody("bob", "query", "break [sim:error-mid]"));

        var events = response.events();
        assertThat(names(events)).containsExactly("workflow_started", "node_started", "text_chunk", "text_chunk",
                "workflow_finished", "error");
        assertThat(events.get(4).path("data").path("status").stringValue()).isEqualTo("failed");
        assertThat(events.get(4).path("data").path("error").stringValue()).contains("failed mid-stream");
        assertThat(events.get(5).path("code").stringValue()).isEqualTo("completion_request_error");
    }

    @Test
    void aWorkflowIsStoppedOnItsOwnEndpointByAnyUserOfItsApp() {
        var frames = new CopyOnWriteArrayList<String>();
        var subscription = client.frames("/workflows/run", KEY, runBody("bob", "query", "hold [sim:hold-open,ping-ms=20]"))
                .subscribe(frames::add, error -> { });
        try {
            await("stream open").atMost(Duration.ofSeconds(5)).until(() -> sim.openStreams() == 1);
            String taskId = sim.chatRequests().get(0).taskId();

            var stopped = client.post("/workflows/tasks/" + taskId + "/stop", KEY,
                    SimClient.JSON.createObjectNode().put("user", "someone-else"));

            assertThat(stopped.status()).isEqualTo(200);
            await("stopped run").atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(frames)
                    .anySatisfy(frame -> assertThat(frame).contains("\"workflow_finished\"").contains("\"stopped\"")));
            assertThat(sim.stops()).singleElement().satisfies(stop -> assertThat(stop.stoppedStream()).isTrue());
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void aCompletionIsStoppedOnItsOwnEndpointOnlyByItsUser() {
        var frames = new CopyOnWriteArrayList<String>();
        var subscription = client.frames("/completion-messages", KEY,
                        runBody("carol", "query", "hold [sim:hold-open,ping-ms=20]"))
                .subscribe(frames::add, error -> { });
        try {
            await("stream open").atMost(Duration.ofSeconds(5)).until(() -> sim.openStreams() == 1);
            String taskId = sim.chatRequests().get(0).taskId();

            client.post("/completion-messages/" + taskId + "/stop", KEY,
                    SimClient.JSON.createObjectNode().put("user", "someone-else"));
            client.post("/completion-messages/" + taskId + "/stop", KEY,
                    SimClient.JSON.createObjectNode().put("user", "carol"));

            await("stopped").atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(frames)
                    .anySatisfy(frame -> assertThat(frame).contains("\"message_end\"")));
            assertThat(sim.stops()).extracting(RecordedStop::stoppedStream).containsExactly(false, true);
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void aKeyBoundToAWorkflowIsRefusedOnTheOtherEndpointsAndReportsItsMode() {
        sim.appMode(WORKFLOW_KEY, AppMode.WORKFLOW);

        var chat = client.chat(WORKFLOW_KEY, SimClient.chatBody("alice", "hi"));
        var completion = client.post("/completion-messages", WORKFLOW_KEY, runBody("alice", "query", "hi"));
        var workflow = client.post("/workflows/run", WORKFLOW_KEY, runBody("alice", "query", "hi"));
        var chatOnOtherKey = client.chat(KEY, SimClient.chatBody("alice", "hi"));

        assertThat(chat.status()).isEqualTo(400);
        assertThat(chat.json().path("code").stringValue()).isEqualTo("not_chat_app");
        assertThat(completion.json().path("code").stringValue()).isEqualTo("app_unavailable");
        assertThat(workflow.status()).isEqualTo(200);
        assertThat(chatOnOtherKey.status()).isEqualTo(200);
        assertThat(client.get(sim.baseUrl() + "/info", WORKFLOW_KEY).json().path("mode").stringValue())
                .isEqualTo("workflow");
        sim.appMode(KEY, AppMode.CHAT);
        assertThat(client.post("/workflows/run", KEY, runBody("alice", "query", "hi")).json().path("code").stringValue())
                .isEqualTo("not_workflow_app");
    }

    @Test
    void thinkCarriesTheReasoningInTagsCutAcrossDeltasBeforeTheAnswer() {
        var response = client.chat(KEY, SimClient.chatBody("alice", "why? [sim:think,deltas=200]"));

        var events = response.events();
        String query = "why? [sim:think,deltas=200]";
        List<String> deltas = events.stream().filter(e -> e.get("event").stringValue().equals("message"))
                .map(e -> e.get("answer").stringValue()).toList();
        assertThat(String.join("", deltas)).isEqualTo("<think>\n" + DifySimulator.expectedReasoning(query)
                + "\n</think>\n\n" + DifySimulator.expectedAnswer(query));
        assertThat(deltas).as("the tags are cut across deltas").doesNotContain("<think>", "</think>")
                .anySatisfy(delta -> assertThat(delta).isEqualTo("<"));
        assertThat(names(events).get(events.size() - 1)).isEqualTo("message_end");
    }

    @Test
    void reasoningComesApartAsReasoningChunksBeforeTheAnswer() {
        String query = "think apart [sim:reasoning]";
        var response = client.post("/workflows/run", KEY, runBody("bob", "query", query));

        var events = response.events();
        var reasoning = events.stream().filter(e -> e.get("event").stringValue().equals("reasoning_chunk")).toList();
        assertThat(reasoning).isNotEmpty();
        assertThat(reasoning.get(reasoning.size() - 1).path("data").path("is_final").booleanValue()).isTrue();
        assertThat(reasoning.stream().map(e -> e.path("data").path("reasoning").stringValue()).reduce("", String::concat))
                .isEqualTo(DifySimulator.expectedReasoning(query));
        assertThat(names(events).indexOf("text_chunk")).isGreaterThan(names(events).lastIndexOf("reasoning_chunk"));
        assertThat(events.get(events.size() - 1).path("data").path("outputs").path("result").stringValue())
                .isEqualTo(DifySimulator.expectedAnswer(query));
    }
}
