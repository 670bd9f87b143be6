package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.bot;
import static io.wecomrelay.llm.WorkerTestSupport.callbackBot;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.sim.dify.DifySimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The default preview route ({@code redis}) through one worker, the real broker and the real Redis: a streaming bot's
 * previews appear in {@code stream:{streamId}} while Dify streams, and only the whole answer goes to Kafka; a webhook
 * bot's reply is its whole answer and nothing else; a long-connection bot still sends every chunk to Kafka.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerPreviewsTest {

    private static final String PREFIX = "previews";
    private static final String STREAMING = "bot-pv-stream";
    private static final String WEBHOOK = "bot-pv-hook";
    private static final String SOCKET = "bot-pv-socket";
    /** Six deltas 250 ms apart: each one its own chunk (coalesced per 150 ms), slow enough to be seen in Redis. */
    private static final String SLOW = " [sim:deltas=6 delay-ms=250]";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final Path BOTS = WorkerTestSupport.botsFile("bots:\n"
            + callbackBot(STREAMING, "reply-mode: passive_stream")
            + callbackBot(WEBHOOK, "reply-mode: webhook", "webhook-key: wk")
            + bot(SOCKET, "connection: long-connection", "secret: s"));

    @Autowired
    ReactiveStringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relay.worker.bots-file", BOTS::toString);
        registry.add("relay.worker.previews.route", () -> "redis");
    }

    @Test
    void aStreamingBotsPreviewsAreInRedisWhileDifyStreamsAndKafkaGetsTheWholeAnswerOnce() throws InterruptedException {
        var message = text(STREAMING, user(), "previews" + SLOW, Instant.now());
        String key = StreamStateKeys.key(message.streamId());
        send(PREFIX + ".accepted", message);

        List<Map<Object, Object>> seen = new ArrayList<>();
        var finished = new AtomicBoolean();
        CompletableFuture.runAsync(() -> {
            CHUNKS.awaitReply(message);
            finished.set(true);
        });
        while (!finished.get()) {
            Map<Object, Object> state = redis.opsForHash().entries(key).collectMap(Map.Entry::getKey, Map.Entry::getValue)
                    .block();
            if (state != null && !state.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state))) {
                seen.add(state);
            }
            Thread.sleep(20);
        }

        String answer = DifySimulator.expectedAnswer(query(message));
        assertThat(seen).as("previews seen in Redis before the last chunk reached Kafka").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(state -> {
                    assertThat(answer).startsWith(String.valueOf(state.get("content")));
                    assertThat(state).containsEntry("attempt", "1").containsEntry("finish", "0")
                            .containsEntry("bot", STREAMING);
                });
        assertThat(seen).extracting(state -> Long.parseLong(String.valueOf(state.get("seq")))).isSorted();
        List<ReplyChunk> chunks = CHUNKS.awaitReply(message).chunks();
        assertThat(chunks).as("only the last chunk on Kafka").singleElement().satisfies(last -> {
            assertThat(last.last()).isTrue();
            assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
            assertThat(last.text()).isEqualTo(answer);
            assertThat(last.seq()).as("after every preview").isGreaterThan(
                    Long.parseLong(String.valueOf(seen.get(seen.size() - 1).get("seq"))));
        });
        assertThat(previews(STREAMING, "applied")).isGreaterThanOrEqualTo(seen.size());
    }

    @Test
    void aWebhookBotsReplyIsItsWholeAnswerAndNothingElse() {
        var message = text(WEBHOOK, user(), "webhook" + SLOW, Instant.now());
        send(PREFIX + ".accepted", message);

        List<ReplyChunk> chunks = CHUNKS.awaitReply(message).chunks();

        assertThat(chunks).singleElement().satisfies(last -> {
            assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
            assertThat(last.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
        });
        assertThat(redis.hasKey(StreamStateKeys.key(message.streamId())).block()).as("no preview written").isFalse();
        assertThat(previews(WEBHOOK, "applied")).isZero();
    }

    @Test
    void aLongConnectionBotSendsEveryChunkToKafka() {
        var message = text(SOCKET, user(), "socket" + SLOW, Instant.now());
        send(PREFIX + ".accepted", message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.chunks().size()).as("the responder tells the connector of each").isGreaterThanOrEqualTo(3);
        assertThat(reply.chunks()).extracting(ReplyChunk::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, reply.chunks().size()).boxed().toList());
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
        assertThat(redis.hasKey(StreamStateKeys.key(message.streamId())).block()).isFalse();
    }

    private double previews(String bot, String outcome) {
        var counter = meters.find("relay.worker.previews").tag("bot", bot).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString();
    }
}
