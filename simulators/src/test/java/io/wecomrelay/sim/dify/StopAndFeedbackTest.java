package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StopAndFeedbackTest {

    private static final String KEY = DifySimulatorConfig.DEFAULT_API_KEY;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static DifySimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = DifySimulator.start(DifySimulatorConfig.defaults().withCadence(3, Duration.ofMillis(5)));
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

    /** A stream read in the background; the first frame has arrived when the constructor returns. */
    private final class SlowStream {
        final List<String> frames = new CopyOnWriteArrayList<>();
        final AtomicBoolean finished = new AtomicBoolean();
        final Disposable subscription;

        SlowStream(String query) {
            subscription = client.chatFrames(KEY, SimClient.chatBody("alice", query))
                    .doFinally(signal -> finished.set(true))
                    .subscribe(frames::add, error -> { });
            await("first frame").atMost(WAIT).until(() -> !frames.isEmpty());
        }

        /** From the request log: a HOLD_OPEN stream has only pings to read it from. */
        String taskId() {
            return sim.chatRequests().get(sim.chatRequests().size() - 1).taskId();
        }

        JsonNode last() {
            return SimClient.event(frames.get(frames.size() - 1));
        }
    }

    @Test
    void stopEndsTheStreamWithMessageEndAndIsRecorded() {
        var stream = new SlowStream("long answer [sim:deltas=50,delay-ms=100]");

        var response = client.post("/chat-messages/" + stream.taskId() + "/stop", KEY, SimClient.JSON.createObjectNode().put("user", "alice"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("result").stringValue()).isEqualTo("success");
        await("stream ended").atMost(Duration.ofSeconds(2)).until(stream.finished::get);
        assertThat(stream.last().get("event").stringValue()).isEqualTo("message_end");
        assertThat(stream.frames).hasSizeLessThan(51);
        assertThat(sim.stops()).singleElement().satisfies(stop -> {
            assertThat(stop.taskId()).isEqualTo(stream.taskId());
            assertThat(stop.user()).isEqualTo("alice");
            assertThat(stop.stoppedStream()).isTrue();
            assertThat(stop.apiKeyHint()).doesNotContain(KEY);
        });
        await("stream released").atMost(WAIT).until(() -> sim.openStreams() == 0);
    }

    @Test
    void stopByAnotherUserSucceedsButDoesNothing() {
        var stream = new SlowStream("[sim:hold-open, ping-ms=20]");
        try {
            var response = client.post("/chat-messages/" + stream.taskId() + "/stop", KEY,
                    SimClient.JSON.createObjectNode().put("user", "mallory"));
            int framesAtStop = stream.frames.size();
            await("ten pings after the stop").atMost(WAIT).until(() -> stream.frames.size() >= framesAtStop + 10);

            assertThat(response.json().get("result").stringValue()).isEqualTo("success");
            assertThat(stream.finished).isFalse();
            assertThat(sim.stops()).singleElement().satisfies(stop -> assertThat(stop.stoppedStream()).isFalse());
        } finally {
            stream.subscription.dispose();
        }
    }

    @Test
    void stopEndsSilentAndHoldOpenStreams() {
        for (var query : List.of("[sim:hold-open, ping-ms=20]", "[sim:silent-hang]")) {
            var stream = new SlowStream(query);

            client.post("/chat-messages/" + stream.taskId() + "/stop", KEY,
                    SimClient.JSON.createObjectNode().put("user", "alice"));

            await(query + " ended").atMost(Duration.ofSeconds(2)).until(stream.finished::get);
            assertThat(stream.last().get("event").stringValue()).isEqualTo("message_end");
        }
    }

    @Test
    void stopNeedsAUser() {
        var response = client.post("/chat-messages/some-task/stop", KEY, SimClient.JSON.createObjectNode());

        ChatStreamTest.assertError(response, 400, "invalid_param", "Arg user must be provided.");
    }

    @Test
    void feedbackIsRecorded() {
        var messageId = client.chat(KEY, SimClient.chatBody("alice", "rate me")).events().get(0)
                .get("message_id").stringValue();

        var like = client.post("/messages/" + messageId + "/feedbacks", KEY, SimClient.JSON.createObjectNode()
                .put("rating", "like").put("user", "alice").put("content", "很好"));
        var revoke = client.post("/messages/" + messageId + "/feedbacks", KEY, SimClient.JSON.createObjectNode()
                .putNull("rating").put("user", "alice"));

        assertThat(like.json().get("result").stringValue()).isEqualTo("success");
        assertThat(revoke.json().get("result").stringValue()).isEqualTo("success");
        assertThat(sim.feedbacks()).hasSize(2);
        var first = sim.feedbacks().get(0);
        assertThat(first.messageId()).isEqualTo(messageId);
        assertThat(first.rating()).isEqualTo("like");
        assertThat(first.user()).isEqualTo("alice");
        assertThat(first.content()).isEqualTo("很好");
        assertThat(sim.feedbacks().get(1).rating()).isNull();
    }

    @Test
    void feedbackRejectsBadRatingsAndForeignOrUnknownMessages() {
        var messageId = client.chat(KEY, SimClient.chatBody("alice", "rate me")).events().get(0)
                .get("message_id").stringValue();

        var badRating = client.post("/messages/" + messageId + "/feedbacks", KEY,
                SimClient.JSON.createObjectNode().put("rating", "meh").put("user", "alice"));
        var otherUser = client.post("/messages/" + messageId + "/feedbacks", KEY,
                SimClient.JSON.createObjectNode().put("rating", "like").put("user", "bob"));
        var unknown = client.post("/messages/no-such-message/feedbacks", KEY,
                SimClient.JSON.createObjectNode().put("rating", "like").put("user", "alice"));
        var noKey = client.post("/messages/" + messageId + "/feedbacks", null,
                SimClient.JSON.createObjectNode().put("rating", "like").put("user", "alice"));

        assertThat(badRating.json().get("code").stringValue()).isEqualTo("invalid_param");
        ChatStreamTest.assertError(otherUser, 404, "not_found", "Message Not Exists.");
        ChatStreamTest.assertError(unknown, 404, "not_found", "Message Not Exists.");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(sim.feedbacks()).isEmpty();
    }
}
