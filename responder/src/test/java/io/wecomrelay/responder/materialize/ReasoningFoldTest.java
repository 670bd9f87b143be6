package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A reasoning model's reply as the llm-worker sends it (the thinking quoted above the answer while it streams, a last
 * {@code REPLACE} with the answer alone) folded by the real script into a real Redis: the stream snapshot that
 * ingress's refreshes and the connector's frames show holds the thinking while the reply streams, and the final
 * content, the one every channel gets (the last frame, and the delivery job of response_url, webhook and app
 * message bots), holds the answer alone, uncut.
 */
class ReasoningFoldTest {

    private static final String QUOTE = "> **💭 思考过程 (Reasoning)**\n> 先想一想";
    private static TestRedis redis;
    private static StringRedisTemplate template;
    private static RedisStreamStateWriter store;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
        template = redis.template();
        store = new RedisStreamStateWriter(redis.reactive(), Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"),
                ZoneOffset.UTC), Duration.ofMinutes(10), StreamStateKeys.MAX_CONTENT_BYTES, "（已截断）",
                new RedisStreamStateWriter.Replies("responder:reasoning-test:reply:", Duration.ofMinutes(10)));
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void theSnapshotShowsTheThinkingWhileStreamingAndEveryChannelGetsTheAnswerAlone() {
        var stream = TestChunks.stream("bot-reasoning");
        String prefix = "test-reasoning-" + stream.streamId() + ":";
        var ticket = new DeliveryTicket(prefix + "outbox", prefix + "delivery", "wecom.chunks", "{}", Duration.ofHours(1));
        String answer = "答案".repeat(3_000);

        store.foldAndQueue(stream.append(1, 0, QUOTE), ticket);
        String thinking = content(stream);
        store.foldAndQueue(stream.append(1, 1, "\n\n答案"), ticket);
        String answering = content(stream);
        FoldResult last = store.foldAndQueue(stream.lastReplace(1, 2, answer), ticket);

        assertThat(thinking).isEqualTo(QUOTE);
        assertThat(answering).isEqualTo(QUOTE + "\n\n答案");
        assertThat(last.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(last.truncated()).as("18,000 bytes of answer fit once the thinking is out").isFalse();
        assertThat(last.content()).isEqualTo(answer);
        assertThat(state(stream)).containsEntry("content", answer).containsEntry("finish", "1");
        assertThat(template.opsForStream().range(ticket.outboxKey(), Range.unbounded())).singleElement()
                .satisfies(job -> assertThat(job.getValue()).containsEntry("content", answer));
    }

    private static String content(TestChunks stream) {
        return state(stream).get("content");
    }

    private static Map<String, String> state(TestChunks stream) {
        return template.<String, String>opsForHash().entries(StreamStateKeys.key(stream.streamId()));
    }
}
