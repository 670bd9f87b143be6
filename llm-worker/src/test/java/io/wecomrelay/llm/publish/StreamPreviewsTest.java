package io.wecomrelay.llm.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.HashedWheelTimer;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Previews folded into a real Redis with the responder's script (shared through service-support). */
class StreamPreviewsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T15:00:00Z"), ZoneOffset.UTC);
    private static final StreamPreviews.Settings SETTINGS =
            new StreamPreviews.Settings(Duration.ofMinutes(10), Duration.ofSeconds(2), 200 * 1024);
    private static final FoldCalls.Batching EACH = new FoldCalls.Batching(Duration.ZERO, 64, 1 << 20);
    private static final HashedWheelTimer WHEEL = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    private static LettuceConnectionFactory factory;
    private static ReactiveStringRedisTemplate redis;

    private final List<String> outcomes = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StreamPreviews previews = new StreamPreviews(FoldCalls.of(redis, EACH, Schedulers.parallel()), CLOCK,
            SETTINGS, (bot, outcome) -> outcomes.add(outcome), new HopLatency(meters), WHEEL);
    private final String msgId = "msg-" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
    }

    @AfterAll
    static void close() {
        factory.destroy();
        WHEEL.stop();
    }

    @Test
    void previewsAppendToTheStreamWithTheirAttemptSequenceAndOwnerAndNeverFinishIt() {
        previews.fold(chunk(1, 0, "Hello")).block();
        previews.fold(chunk(1, 1, ", world")).block();

        Map<Object, Object> state = state();
        assertThat(state).containsEntry("content", "Hello, world").containsEntry("attempt", "1").containsEntry("seq", "1")
                .containsEntry("finish", "0").containsEntry("bot", "bot-1")
                .containsEntry("updatedAt", Long.toString(CLOCK.millis()));
        assertThat(redis.getExpire(key()).block()).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
        assertThat(outcomes).containsExactly("applied", "applied");
        assertThat(meters.get(HopLatency.NAME).tag("hop", HopLatency.DELTA_TO_REDIS).tag("bot", "bot-1").timer().count())
                .isEqualTo(2);
    }

    @Test
    void theAttemptAndSequenceRulesAreTheResponders() {
        previews.fold(chunk(2, 0, "second attempt")).block();

        previews.fold(chunk(1, 1, "a zombie's")).block();
        previews.fold(chunk(2, 0, "again")).block();

        assertThat(state()).containsEntry("content", "second attempt");
        assertThat(outcomes).containsExactly("applied", "stale", "duplicate");
    }

    @Test
    void aFinishedStreamIsLeftAsItIs() {
        redis.opsForHash().putAll(key(), Map.of("content", "the final answer", "finish", "1", "attempt", "1", "seq", "3"))
                .block();

        previews.fold(chunk(1, 1, "late")).block();

        assertThat(state()).containsEntry("content", "the final answer").containsEntry("finish", "1");
        assertThat(outcomes).containsExactly("final");
    }

    @Test
    void aPreviewPastTheStreamsBytesIsCutWithoutANote() {
        String text = "x".repeat(StreamStateKeys.MAX_CONTENT_BYTES + 100);

        previews.fold(chunk(1, 0, text)).block();

        String content = String.valueOf(state().get("content"));
        assertThat(content.length()).isLessThanOrEqualTo(StreamStateKeys.MAX_CONTENT_BYTES);
        assertThat(content).matches("x+");
    }

    @Test
    void aFoldRedisDoesNotAnswerFailsAndIsCounted() {
        var down = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(200)).build());
        down.afterPropertiesSet();
        down.start();
        try {
            var nowhere = new StreamPreviews(FoldCalls.of(new ReactiveStringRedisTemplate(down), EACH,
                    Schedulers.parallel()), CLOCK, SETTINGS, (bot, outcome) -> outcomes.add(outcome),
                    new HopLatency(meters), WHEEL);

            assertThatThrownBy(() -> nowhere.fold(chunk(1, 0, "lost")).block()).isNotNull();

            assertThat(outcomes).containsExactly("failed");
        } finally {
            down.destroy();
        }
    }

    @Test
    void batchedPreviewsAreEachCountedAndTimedAsAlone() {
        var time = VirtualTimeScheduler.create();
        var batched = new StreamPreviews(FoldCalls.of(redis, new FoldCalls.Batching(Duration.ofMillis(5), 64, 1 << 20),
                time), CLOCK, SETTINGS, (bot, outcome) -> outcomes.add(outcome), new HopLatency(meters), WHEEL);
        String otherMsgId = msgId + "-other";
        var first = batched.fold(chunk(1, 0, "Hello")).toFuture();
        var second = batched.fold(Events.chunk("bot-1", otherMsgId, 1, 0, "Hi", false)).toFuture();

        time.advanceTimeBy(Duration.ofMillis(5));
        first.join();
        second.join();

        assertThat(state()).containsEntry("content", "Hello");
        assertThat(outcomes).containsExactly("applied", "applied");
        assertThat(meters.get(HopLatency.NAME).tag("hop", HopLatency.DELTA_TO_REDIS).tag("bot", "bot-1").timer().count())
                .isEqualTo(2);
    }

    @Test
    void aPreviewWhoseBatchWaitsPastItsTimeoutFailsAndIsNotFoldedLater() {
        var time = VirtualTimeScheduler.create();
        var batched = new StreamPreviews(FoldCalls.of(redis, new FoldCalls.Batching(Duration.ofMillis(5), 64, 1 << 20),
                time), CLOCK, new StreamPreviews.Settings(Duration.ofMinutes(10), Duration.ofMillis(30), 200 * 1024),
                (bot, outcome) -> outcomes.add(outcome), new HopLatency(meters), WHEEL);
        // once Redis knows the batch script, a batch sent at the window's end goes before the fold that follows
        var known = batched.fold(Events.chunk("bot-1", msgId + "-other", 1, 0, "Hi", false)).toFuture();
        time.advanceTimeBy(Duration.ofMillis(5));
        known.join();

        assertThatThrownBy(() -> batched.fold(chunk(1, 0, "too late")).block())
                .hasCauseInstanceOf(TimeoutException.class);
        time.advanceTimeBy(Duration.ofMillis(5));
        previews.fold(chunk(1, 0, "on time")).block();

        assertThat(state()).containsEntry("content", "on time");
        assertThat(outcomes).containsExactly("applied", "failed", "applied");
    }

    private ReplyChunk chunk(int attempt, long seq, String text) {
        return Events.chunk("bot-1", msgId, attempt, seq, text, false);
    }

    private String key() {
        return StreamStateKeys.key(chunk(1, 0, "").streamId());
    }

    private Map<Object, Object> state() {
        return redis.opsForHash().entries(key()).collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
    }

    /**
     * Folds batched across streams ({@link FoldBatches}, one call of fold-many.lua): every fold gets the reply, and
     * leaves the stream, as the same fold on its own (fold-chunk.lua) would. The window is timed on a virtual
     * scheduler, so a batch leaves only when the test says.
     */
    @Nested
    class Batched {

        private static final Duration WINDOW = Duration.ofMillis(5);

        private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
        /** Only for the arguments of a preview's fold. */
        private final StreamPreviews previewArgs = new StreamPreviews(FoldCalls.of(redis, batching(0, 64), time),
                CLOCK, new StreamPreviews.Settings(Duration.ofMinutes(10), Duration.ofSeconds(5), 30 * 1024),
                (bot, outcome) -> { }, new HopLatency(new SimpleMeterRegistry()), WHEEL);
        private final FoldCalls alone = FoldCalls.of(redis, batching(0, 64), time);
        private final String run = "msg-" + UUID.randomUUID();

        @Test
        void aWindowOfZeroSendsEachFoldOnItsOwn() {
            assertThat(FoldCalls.of(redis, batching(0, 64), time)).isNotInstanceOf(FoldBatches.class);
            assertThat(FoldCalls.of(redis, batching(5, 64), time)).isInstanceOf(FoldBatches.class);

            assertThat(alone.fold(key("s"), previewArgs.args(chunk("s", 1, 0, "Hello"))).block()).first()
                    .isEqualTo("APPLIED");
            assertThat(state("s")).containsEntry("content", "Hello");
        }

        @Test
        void eachFoldOfABatchGetsTheReplyAndLeavesTheStreamAsTheFoldAloneDoes() {
            // the same five cases, once one by one and once in one batch, each on its own copy of the streams
            for (String copy : List.of("alone-", "batch-")) {
                prepare(copy);
            }
            List<ReplyChunk> alonePreviews = cases("alone-");
            List<Object> aloneReplies = new ArrayList<>();
            for (ReplyChunk preview : alonePreviews) {
                aloneReplies.add(alone.fold(key(preview), previewArgs.args(preview)).block());
            }

            var batches = new FoldBatches(redis, batching(5, 64), time);
            List<CompletableFuture<List<?>>> batched = cases("batch-").stream()
                    .map(preview -> batches.fold(key(preview), previewArgs.args(preview)).toFuture()).toList();
            assertThat(batched).noneMatch(CompletableFuture::isDone);
            time.advanceTimeBy(WINDOW);

            assertThat(batched.stream().map(CompletableFuture::join).toList()).isEqualTo(aloneReplies);
            assertThat(aloneReplies.stream().map(reply -> String.valueOf(((List<?>) reply).get(0))).toList())
                    .containsExactly("APPLIED", "STALE", "DUPLICATE", "FINAL", "APPLIED");
            for (String stream : List.of("fresh", "zombie", "redone", "finished", "long")) {
                assertThat(state("batch-" + stream)).isEqualTo(state("alone-" + stream));
            }
            assertThat(String.valueOf(state("batch-long").get("content")).length()).isLessThanOrEqualTo(
                    StreamStateKeys.MAX_CONTENT_BYTES);
        }

        @Test
        void aFoldThatFailsInABatchFailsAloneAndTheOthersAreFolded() {
            redis.opsForValue().set(key("broken"), "not a hash").block();
            var batches = new FoldBatches(redis, batching(5, 64), time);

            var broken = batches.fold(key("broken"), previewArgs.args(chunk("broken", 1, 0, "lost"))).toFuture();
            var fine = batches.fold(key("fine"), previewArgs.args(chunk("fine", 1, 0, "kept"))).toFuture();
            time.advanceTimeBy(WINDOW);

            assertThat(fine.join()).first().isEqualTo("APPLIED");
            assertThat(broken).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withMessageContaining("WRONGTYPE");
            assertThat(state("fine")).containsEntry("content", "kept");
        }

        @Test
        void aFullBatchLeavesAtOnceAndTheNextWaitsForItsWindow() {
            var batches = new FoldBatches(redis, batching(5, 2), time);

            var first = batches.fold(key("a"), previewArgs.args(chunk("a", 1, 0, "A"))).toFuture();
            var second = batches.fold(key("b"), previewArgs.args(chunk("b", 1, 0, "B"))).toFuture();
            var third = batches.fold(key("c"), previewArgs.args(chunk("c", 1, 0, "C"))).toFuture();

            assertThat(first.join()).first().isEqualTo("APPLIED");
            assertThat(second.join()).first().isEqualTo("APPLIED");
            assertThat(third).isNotDone();
            assertThat(state("c")).isEmpty();
            time.advanceTimeBy(WINDOW);
            assertThat(third.join()).first().isEqualTo("APPLIED");
        }

        @Test
        void aFoldThatWouldPassTheBytesSendsTheBatchBeforeItAndGoesAloneWhenLargerThanTheCap() {
            var small = previewArgs.args(chunk("small", 1, 0, "s"));
            long smallBytes = 3L * (key("small").length() + small.stream().mapToInt(String::length).sum());
            var batches = new FoldBatches(redis, new FoldCalls.Batching(WINDOW, 64, smallBytes + 10), time);

            var first = batches.fold(key("small"), small).toFuture();
            assertThat(first).isNotDone();
            var large = batches.fold(key("large"), previewArgs.args(chunk("large", 1, 0, "x".repeat(100)))).toFuture();

            assertThat(first.join()).first().isEqualTo("APPLIED");
            assertThat(large.join()).first().isEqualTo("APPLIED");
            assertThat(state("large")).containsEntry("content", "x".repeat(100));
        }

        @Test
        void randomPreviewsOverSeveralStreamsEndAsOneByOne() {
            var random = new Random(20);
            var batches = new FoldBatches(redis, batching(5, 64), time);
            List<String> streams = List.of("p0", "p1", "p2", "p3", "p4", "p5");
            for (int round = 0; round < 150; round++) {
                List<ReplyChunk> step = new ArrayList<>();
                for (String stream : streams) {
                    if (random.nextInt(3) == 0) {
                        continue;
                    }
                    if (random.nextInt(40) == 0) {
                        for (String copy : List.of("alone-", "batch-")) {
                            redis.opsForHash().put(key(copy + stream), "finish", "1").block();
                        }
                    }
                    int attempt = 1 + random.nextInt(3);
                    long seq = random.nextInt(6);
                    String text = randomText(random);
                    var preview = chunk(stream, attempt, seq, text);
                    step.add(random.nextInt(4) == 0 ? preview.replacing(text) : preview);
                }
                List<Object> aloneReplies = new ArrayList<>();
                for (ReplyChunk preview : step) {
                    var copy = copy(preview, "alone-");
                    aloneReplies.add(alone.fold(key(copy), previewArgs.args(copy)).block());
                }
                List<CompletableFuture<List<?>>> batched = step.stream().map(preview -> copy(preview, "batch-"))
                        .map(copy -> batches.fold(key(copy), previewArgs.args(copy)).toFuture()).toList();
                time.advanceTimeBy(WINDOW);

                assertThat(batched.stream().map(CompletableFuture::join).toList()).as("round %d", round)
                        .isEqualTo(aloneReplies);
            }
            for (String stream : streams) {
                assertThat(state("batch-" + stream)).as(stream).isEqualTo(state("alone-" + stream));
            }
        }

        /** Mostly short, some multi-byte, a few past the stream's bytes and the answer's. */
        private static String randomText(Random random) {
            return switch (random.nextInt(10)) {
                case 0 -> "长".repeat(4_000 + random.nextInt(8_000));
                case 1 -> "x".repeat(15_000 + random.nextInt(20_000));
                case 2, 3 -> "答案" + random.nextInt(1000);
                default -> "word " + random.nextInt(1000) + "\n```\n";
            };
        }

        /** The streams the five cases start from, under one prefix. */
        private void prepare(String copy) {
            alone.fold(key(copy + "zombie"), previewArgs.args(chunk(copy + "zombie", 2, 0, "second attempt"))).block();
            alone.fold(key(copy + "redone"), previewArgs.args(chunk(copy + "redone", 1, 0, "first"))).block();
            redis.opsForHash().putAll(key(copy + "finished"), Map.of("content", "final", "finish", "1", "attempt", "1",
                    "seq", "3")).block();
        }

        /** Applied, stale, duplicate, final, cut at the stream's bytes. */
        private List<ReplyChunk> cases(String copy) {
            return List.of(chunk(copy + "fresh", 1, 0, "Hello"), chunk(copy + "zombie", 1, 1, "a zombie's"),
                    chunk(copy + "redone", 1, 0, "again"), chunk(copy + "finished", 1, 4, "late"),
                    chunk(copy + "long", 1, 0, "y".repeat(StreamStateKeys.MAX_CONTENT_BYTES + 100)));
        }

        private ReplyChunk copy(ReplyChunk preview, String copy) {
            var moved = chunk(copy + preview.msgId().substring(run.length() + 1), preview.attempt(), preview.seq(),
                    preview.text());
            return preview.kind() == moved.kind() ? moved : moved.replacing(preview.text());
        }

        private ReplyChunk chunk(String stream, int attempt, long seq, String text) {
            return Events.chunk("bot-1", run + "-" + stream, attempt, seq, text, false);
        }

        private String key(String stream) {
            return key(chunk(stream, 1, 0, ""));
        }

        private static String key(ReplyChunk chunk) {
            return StreamStateKeys.key(chunk.streamId());
        }

        private Map<Object, Object> state(String stream) {
            return redis.opsForHash().entries(key(stream)).collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
        }

        private static FoldCalls.Batching batching(long windowMillis, int maxFolds) {
            return new FoldCalls.Batching(Duration.ofMillis(windowMillis), maxFolds, 1 << 20);
        }
    }
}
