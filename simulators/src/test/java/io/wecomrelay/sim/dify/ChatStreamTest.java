package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class ChatStreamTest {

    private static final String KEY = "app-first-key";
    private static final String OTHER_KEY = "app-second-key";

    private static DifySimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = DifySimulator.start(DifySimulatorConfig.defaults()
                .withApiKeys(KEY, OTHER_KEY)
                .withCadence(5, Duration.ofMillis(5)));
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

    @Test
    void baseUrlPointsAtLoopbackV1() {
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port() + "/v1");
        assertThat(sim.port()).isPositive();
    }

    @Test
    void streamsDeltasThatEchoTheQueryThenMessageEnd() {
        var response = client.chat(KEY, SimClient.chatBody("alice", "What is 1+1?"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/event-stream");
        var events = response.events();
        assertThat(events).extracting(e -> e.get("event").stringValue())
                .containsExactly("message", "message", "message", "message", "message", "message_end");
        var first = events.get(0);
        for (var event : events) {
            assertThat(event.get("task_id").stringValue()).isEqualTo(first.get("task_id").stringValue());
            assertThat(event.get("message_id").stringValue()).isEqualTo(first.get("message_id").stringValue());
            assertThat(event.get("conversation_id").stringValue()).isEqualTo(first.get("conversation_id").stringValue());
            assertThat(event.get("created_at").isIntegralNumber()).isTrue();
        }
        assertThat(answer(response)).isEqualTo(DifySimulator.expectedAnswer("What is 1+1?"))
                .startsWith("你好！You said: What is 1+1?");
    }

    @Test
    void recordsEveryFrameOfAStreamInOrderWithItsEventAndSendTime() {
        var response = client.chat(KEY, SimClient.chatBody("alice", "frames?"));
        String taskId = response.events().get(0).get("task_id").stringValue();

        var frames = sim.sentFrames().stream().filter(frame -> frame.taskId().equals(taskId)).toList();

        assertThat(frames).extracting(RecordedFrame::event)
                .containsExactly("message", "message", "message", "message", "message", "message_end");
        assertThat(frames).extracting(RecordedFrame::index).containsExactly(0, 1, 2, 3, 4, 5);
        var received = sim.chatRequests().get(0).receivedAt();
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).sentAt()).isAfterOrEqualTo(i == 0 ? received : frames.get(i - 1).sentAt());
        }
        sim.reset();
        assertThat(sim.sentFrames()).isEmpty();
    }

    @Test
    void namesPingsAndPiecesWithoutAnEventField() {
        assertThat(SseWriter.event(SseEncoder.PING)).isEqualTo("ping");
        assertThat(SseWriter.event("data: {\"event\":\"agent_message\",\"answer\":\"x\"}\n\n"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("agent_message");
        assertThat(SseWriter.event("swer\":\"x\"}\n\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void messageEndCarriesUsageWithDecimalStringPrices() {
        var events = client.chat(KEY, SimClient.chatBody("alice", "hi")).events();

        var usage = events.get(events.size() - 1).get("metadata").get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("completion_tokens").asInt())
                .isEqualTo(DifySimulator.expectedAnswer("hi").codePointCount(0, DifySimulator.expectedAnswer("hi").length()));
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
        assertThat(usage.get("latency").isDouble()).isTrue();
        for (var price : new String[] {"prompt_price", "completion_price", "total_price", "prompt_unit_price"}) {
            assertThat(usage.get(price).isString()).as(price).isTrue();
            assertThat(usage.get(price).stringValue()).as(price).matches("\\d+\\.\\d+");
        }
        assertThat(usage.get("currency").stringValue()).isEqualTo("USD");
    }

    @Test
    void wireFormatIsDataLinesWithRawUtf8() {
        var response = client.chat(KEY, SimClient.chatBody("alice", "天气怎么样？🌧"));

        var text = response.text();
        assertThat(text).doesNotContain("\\u");
        assertThat(text).startsWith("data: {\"event\":\"message\"");
        assertThat(text).endsWith("}\n\n");
        assertThat(response.frames()).allSatisfy(frame -> assertThat(frame).startsWith("data: {").doesNotContain("\n"));
        assertThat(contains(response.bytes(), "你好".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(contains(response.bytes(), "🌧".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void rejectsMissingWrongSchemeAndUnknownKeys() {
        var body = SimClient.JSON.writeValueAsString(SimClient.chatBody("alice", "hi"));

        var missing = client.post("/chat-messages", null, body);
        var basic = client.post("/chat-messages", "Basic " + KEY, body);
        var unknown = client.post("/chat-messages", "Bearer app-not-a-key", body);

        for (var response : new SimClient.Response[] {missing, basic, unknown}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).isEqualTo("application/json");
            assertThat(response.json().get("code").stringValue()).isEqualTo("unauthorized");
            assertThat(response.json().get("status").asInt()).isEqualTo(401);
            assertThat(response.json().get("message").stringValue()).isNotBlank();
        }
        assertThat(sim.chatRequestCount()).isEqualTo(3);
        assertThat(sim.chatRequests()).allSatisfy(request -> assertThat(request.status()).isEqualTo(401));
    }

    @Test
    void requiresUserThenQueryAndInputs() {
        var noUser = SimClient.chatBody("alice", "hi");
        noUser.remove("user");
        var emptyUser = SimClient.chatBody("", "hi");
        var noQuery = SimClient.chatBody("alice", "hi");
        noQuery.remove("query");
        var noInputs = SimClient.chatBody("alice", "hi");
        noInputs.remove("inputs");

        assertError(client.chat(KEY, noUser), 400, "invalid_param", "Arg user must be provided.");
        assertError(client.chat(KEY, emptyUser), 400, "invalid_param", "Arg user must be provided.");
        assertThat(client.chat(KEY, noQuery).json().get("code").stringValue()).isEqualTo("invalid_param");
        assertThat(client.chat(KEY, noInputs).json().get("code").stringValue()).isEqualTo("invalid_param");
        assertThat(client.post("/chat-messages", "Bearer " + KEY, "{not json").status()).isEqualTo(400);
        assertThat(sim.conversationCount()).isZero();
    }

    @Test
    void rejectsBlockingModeAndMalformedConversationIds() {
        var blocking = SimClient.chatBody("alice", "hi").put("response_mode", "blocking");
        var badId = SimClient.chatBody("alice", "hi").put("conversation_id", "not-a-uuid");

        assertThat(client.chat(KEY, blocking).json().get("code").stringValue()).isEqualTo("invalid_param");
        assertError(client.chat(KEY, badId), 400, "invalid_param", "conversation_id must be a valid UUID");
    }

    @Test
    void conversationPersistsPerKeyAndUser() {
        var first = client.chat(KEY, SimClient.chatBody("alice", "one")).events().get(0);
        var conversationId = first.get("conversation_id").stringValue();

        var second = client.chat(KEY, SimClient.chatBody("alice", "two").put("conversation_id", conversationId));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.events()).allSatisfy(e ->
                assertThat(e.get("conversation_id").stringValue()).isEqualTo(conversationId));
        assertThat(second.events().get(0).get("message_id").stringValue())
                .isNotEqualTo(first.get("message_id").stringValue());
        assertThat(sim.messageCount(conversationId)).isEqualTo(2);
        assertThat(sim.conversationCount()).isEqualTo(1);
    }

    @Test
    void unknownOrForeignConversationIs404() {
        var conversationId = client.chat(KEY, SimClient.chatBody("alice", "one")).events().get(0)
                .get("conversation_id").stringValue();

        var unknown = client.chat(KEY, SimClient.chatBody("alice", "x").put("conversation_id", UUID.randomUUID().toString()));
        var otherUser = client.chat(KEY, SimClient.chatBody("bob", "x").put("conversation_id", conversationId));
        var otherApp = client.chat(OTHER_KEY, SimClient.chatBody("alice", "x").put("conversation_id", conversationId));

        for (var response : new SimClient.Response[] {unknown, otherUser, otherApp}) {
            assertError(response, 404, "not_found", "Conversation Not Exists.");
        }
        assertThat(sim.messageCount(conversationId)).isEqualTo(1);
    }

    @Test
    void recordsRequestsWithoutTheKey() {
        var body = SimClient.chatBody("alice", "record me");
        body.withObject("inputs").put("city", "上海");
        body.putArray("files").addObject().put("type", "image").put("transfer_method", "remote_url")
                .put("url", "https://example.com/a.png");

        var events = client.chat(KEY, body).events();

        var recorded = sim.requestsFor("record me");
        assertThat(recorded).hasSize(1);
        var request = recorded.get(0);
        assertThat(request.user()).isEqualTo("alice");
        assertThat(request.conversationId()).isEmpty();
        assertThat(request.assignedConversationId()).isEqualTo(events.get(0).get("conversation_id").stringValue());
        assertThat(request.taskId()).isEqualTo(events.get(0).get("task_id").stringValue());
        assertThat(request.scenario()).isEqualTo(Scenario.NORMAL);
        assertThat(request.status()).isEqualTo(200);
        assertThat(request.inputs().get("city").stringValue()).isEqualTo("上海");
        assertThat(request.files().get(0).get("url").stringValue()).isEqualTo("https://example.com/a.png");
        assertThat(request.headers()).containsKey("content-type").doesNotContainKey("authorization");
        assertThat(request.headers().toString()).doesNotContain(KEY);
        assertThat(request.apiKeyHint()).isEqualTo("app-…-key").isNotEqualTo(KEY);
    }

    @Test
    void infoReportsChatModeToKeyHolders() {
        assertThat(client.get(sim.baseUrl() + "/info").status()).isEqualTo(401);

        var info = client.get(sim.baseUrl() + "/info", KEY);

        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().get("mode").stringValue()).isEqualTo("chat");
    }

    static String answer(SimClient.Response response) {
        var answer = new StringBuilder();
        for (JsonNode event : response.events()) {
            if (event.get("event").stringValue().equals("message")) answer.append(event.get("answer").stringValue());
        }
        return answer.toString();
    }

    static void assertError(SimClient.Response response, int status, String code, String message) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/json");
        var json = response.json();
        assertThat(json.get("code").stringValue()).isEqualTo(code);
        assertThat(json.get("message").stringValue()).isEqualTo(message);
        assertThat(json.get("status").asInt()).isEqualTo(status);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return true;
        }
        return false;
    }
}
