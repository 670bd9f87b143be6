package io.wecomrelay.llm.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.HashedWheelTimer;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

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

        assertThatThrownBy(() -> batched.fold(chunk(1, 0, "too late")).block()).hasCauseInstanceOf(TimeoutException.class);
        time.advanceTimeBy(Duration.ofMillis(5));
        previews.fold(chunk(1, 0, "on time")).block();

        assertThat(state()).containsEntry("content", "on time");
        assertThat(outcomes).containsExactly("failed", "applied");
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
}
