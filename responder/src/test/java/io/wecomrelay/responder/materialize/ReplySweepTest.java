package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.LogCapture;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.testkit.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** The sweep of reply records no responder published, over a real Redis; the broker's side is a list here. */
class ReplySweepTest {

    static final Duration AFTER = Duration.ofSeconds(30);

    static TestRedis redis;
    static StringRedisTemplate template;

    final MutableClock clock = new MutableClock();
    final List<ReplyRecorded> published = new CopyOnWriteArrayList<>();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisStreamStateWriter.Replies keys;
    RedisStreamStateWriter store;
    ReplyRecords records;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
        template = redis.template();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @BeforeEach
    void responder() {
        keys = new RedisStreamStateWriter.Replies("test-" + UUID.randomUUID() + ":reply:", Duration.ofHours(1));
        store = new RedisStreamStateWriter(redis.reactive(), clock, Duration.ofMinutes(10), StreamStateKeys.MAX_CONTENT_BYTES,
                "\n(cut)", keys);
        records = records(published);
    }

    @Test
    void aRecordNoInstancePublishedIsPublishedOnceOverdueAndNotBefore() {
        // Given an answer folded by an instance that died before it published the reply record
        var stream = TestChunks.stream("bot-a");
        keep(stream.last(1, 0, "the whole answer"));
        ReplySweep sweep = sweep(records);

        // When swept before the delay is over, then after it, then again
        clock.advance(AFTER.minusSeconds(1));
        long early = sweep.sweep().block();
        double waitingEarly = meters.get("relay.responder.replies.waiting").gauge().value();
        clock.advance(Duration.ofSeconds(2));
        long due = sweep.sweep().block();
        long again = sweep.sweep().block();

        // Then it is published once, when overdue, with its final text, and marked
        assertThat(early).isZero();
        assertThat(due).isEqualTo(1);
        assertThat(again).isZero();
        assertThat(published).singleElement().satisfies(reply -> {
            assertThat(reply.streamId()).isEqualTo(stream.streamId());
            assertThat(reply.text()).isEqualTo("the whole answer");
        });
        assertThat(template.<String, String>opsForHash().entries(keys.key(stream.streamId()))).containsOnlyKeys("published");
        assertThat(template.opsForZSet().size(keys.unrecordedKey())).isZero();
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "recorded").counter().count()).isEqualTo(1);
        assertThat(waitingEarly).isEqualTo(1);
        assertThat(meters.get("relay.responder.replies.waiting").gauge().value()).isZero();
    }

    @Test
    void twoInstancesSweepingAtOnceRecordEveryOverdueRecordOnce() {
        // Given more overdue records than one claim takes
        int count = ReplySweep.BATCH * 2 + 50;
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var stream = TestChunks.stream("bot-" + (i % 7));
            keep(stream.last(1, 0, "answer " + i));
            streams.add(stream.streamId());
        }
        clock.advance(AFTER.plusSeconds(1));
        List<ReplyRecorded> second = new CopyOnWriteArrayList<>();

        // When two instances sweep at the same time
        var both = Mono.zip(sweep(records).sweep(), sweep(records(second)).sweep()).block();

        // Then between them every record was published exactly once
        assertThat(both.getT1() + both.getT2()).isEqualTo(count);
        List<String> all = new ArrayList<>(published.stream().map(ReplyRecorded::streamId).toList());
        second.forEach(reply -> all.add(reply.streamId()));
        assertThat(all).hasSize(count).containsExactlyInAnyOrderElementsOf(streams);
        assertThat(template.opsForZSet().size(keys.unrecordedKey())).isZero();
    }

    @Test
    void aRecordTheBrokerRefusesAgainIsClaimableAgainOnlyAfterTheDelay() {
        var stream = TestChunks.stream("bot-a");
        keep(stream.last(1, 0, "refused once"));
        refused.add(stream.streamId());
        ReplySweep sweep = sweep(records);

        clock.advance(AFTER.plusSeconds(1));
        assertThat(sweep.sweep().block()).as("claimed, refused").isEqualTo(1);
        clock.advance(AFTER.minusSeconds(1));
        assertThat(sweep.sweep().block()).as("claimed again too soon").isZero();
        refused.clear();
        clock.advance(Duration.ofSeconds(2));
        assertThat(sweep.sweep().block()).as("overdue again").isEqualTo(1);

        assertThat(published).extracting(ReplyRecorded::streamId).containsExactly(stream.streamId());
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "failed").counter().count()).isEqualTo(1);
        assertThat(meters.get("relay.responder.replies.unrecorded").counter().count()).isEqualTo(1);
        assertThat(template.opsForZSet().size(keys.unrecordedKey())).isZero();
    }

    @Test
    void anIndexedRecordThatWasMarkedIsDroppedAndOneWhoseKeyExpiredIsCountedLost() {
        // Given the index naming a key that expired, and one marked by a responder that did not take it out
        var marked = TestChunks.stream("bot-a");
        keep(marked.last(1, 0, "marked"));
        template.opsForHash().put(keys.key(marked.streamId()), "published", "1");
        template.opsForZSet().add(keys.unrecordedKey(), keys.key("expired-" + UUID.randomUUID()), clock.millis());

        clock.advance(AFTER.plusSeconds(1));
        assertThat(sweep(records).sweep().block()).isEqualTo(2);

        assertThat(published).isEmpty();
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "marked").counter().count()).isEqualTo(1);
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "lost").counter().count()).isEqualTo(1);
        assertThat(template.opsForZSet().size(keys.unrecordedKey())).isZero();
    }

    @Test
    void aRecordKeptAgainBetweenTheSweepsReadAndItsRemovalStaysIndexedAndIsNotCountedLost() {
        // Given a record whose key and stream hash expired unpublished, and whose last chunk is redelivered (kept
        // again) after the sweep found the key empty and before it takes the key out of the index
        var stream = TestChunks.stream("bot-a");
        ReplyChunk last = stream.last(1, 0, "kept again");
        keep(last);
        template.delete(List.of(keys.key(stream.streamId()), StreamStateKeys.key(stream.streamId())));
        var keptAgain = new AtomicBoolean();
        var foldsBeforeGone = new ReactiveStringRedisTemplate(redis.connectionFactory()) {
            @Override
            public <T> Flux<T> execute(RedisScript<T> script, List<String> scriptKeys, List<?> args) {
                // unrecorded-gone.lua is the only script with two keys (the claim has the index alone)
                if (scriptKeys.size() == 2 && keptAgain.compareAndSet(false, true)) {
                    return Mono.fromRunnable(() -> keep(last)).subscribeOn(Schedulers.boundedElastic())
                            .thenMany(super.execute(script, scriptKeys, args));
                }
                return super.execute(script, scriptKeys, args);
            }
        };
        var sweep = new ReplySweep(new UnrecordedReplies(foldsBeforeGone, keys, clock), records,
                new ReplySweep.Settings(AFTER, Duration.ofHours(1)), meters);

        // When the sweep comes
        clock.advance(AFTER.plusSeconds(1));
        assertThat(sweep.sweep().block()).isEqualTo(1);

        // Then the record stays indexed, unpublished and not counted lost (nor marked) ...
        assertThat(keptAgain).isTrue();
        assertThat(published).isEmpty();
        assertThat(template.opsForZSet().score(keys.unrecordedKey(), keys.key(stream.streamId()))).isNotNull();
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "lost").counter().count()).isZero();
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "marked").counter().count()).isZero();

        // ... and the sweep after it publishes it, once it is overdue
        clock.advance(AFTER.plusSeconds(1));
        assertThat(sweep.sweep().block()).isEqualTo(1);
        assertThat(published).extracting(ReplyRecorded::streamId).containsExactly(stream.streamId());
        assertThat(template.opsForZSet().size(keys.unrecordedKey())).isZero();
    }

    @Test
    void startedItSweepsEveryIntervalUntilStopped() throws InterruptedException {
        var stream = TestChunks.stream("bot-a");
        keep(stream.last(1, 0, "swept on its own"));
        var sweep = new ReplySweep(new UnrecordedReplies(redis.reactive(), keys, clock), records,
                new ReplySweep.Settings(Duration.ZERO, Duration.ofMillis(50)), meters);

        sweep.start();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(published).extracting(ReplyRecorded::streamId).containsExactly(stream.streamId()));
        } finally {
            sweep.stop();
        }
        assertThat(sweep.isRunning()).isFalse();

        // And once stopped, it leaves what is kept later alone
        var later = TestChunks.stream("bot-b");
        keep(later.last(1, 0, "kept after the stop"));
        Thread.sleep(500);
        assertThat(published).extracting(ReplyRecorded::streamId).doesNotContain(later.streamId());
        assertThat(template.opsForZSet().size(keys.unrecordedKey())).isEqualTo(1);
    }

    @Test
    void stopWaitsForAPublishTheListenersStartedUntilItIsAcknowledged() {
        // Given a started sweep, and a reply whose publish the broker has not acknowledged yet
        var acknowledged = new CompletableFuture<Void>();
        var held = new ReplyRecords(() -> new BotRegistry(List.of()), reply -> Mono.fromFuture(acknowledged), store,
                clock, meters);
        var stream = TestChunks.stream("bot-a");
        ReplyRecorded reply = keep(stream.last(1, 0, "acknowledged late"), held);
        var sweep = sweep(held);
        sweep.start();
        held.recordSoon(List.of(reply));

        // When it stops, it does not return while the publish is pending
        var stopped = CompletableFuture.runAsync(sweep::stop);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !stopped.isDone());

        // Then it returns once the broker acknowledged, with the record marked
        acknowledged.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(stopped::isDone);
        assertThat(sweep.isRunning()).isFalse();
        assertThat(template.<String, String>opsForHash().entries(keys.key(stream.streamId()))).containsOnlyKeys("published");
    }

    @Test
    void stopGivesUpOnAPublishThatIsNeverAcknowledgedAndLeavesItToAnotherSweep() {
        // the bound is five seconds, not configurable: this test waits that long
        var held = new ReplyRecords(() -> new BotRegistry(List.of()), reply -> Mono.never(), store, clock, meters);
        var stream = TestChunks.stream("bot-a");
        ReplyRecorded reply = keep(stream.last(1, 0, "never acknowledged"), held);
        var sweep = sweep(held);
        sweep.start();
        held.recordSoon(List.of(reply));

        try (var logs = new LogCapture()) {
            var stopped = CompletableFuture.runAsync(sweep::stop);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !stopped.isDone());
            await().atMost(Duration.ofSeconds(30)).until(stopped::isDone);

            assertThat(logs.lines()).anyMatch(line -> line.startsWith("reply records still being published after PT5S"));
        }
        assertThat(held.awaitIdle(Duration.ZERO)).as("still pending").isFalse();
        assertThat(template.opsForZSet().score(keys.unrecordedKey(), keys.key(stream.streamId()))).isNotNull();
    }

    /** Folds a last chunk with its reply draft and publishes nothing, as an instance that died right after. */
    private void keep(ReplyChunk last) {
        keep(last, records);
    }

    private ReplyRecorded keep(ReplyChunk last, ReplyRecords drafts) {
        FoldResult result = store.fold(new ChunkFold(last, null, drafts.draft(last)));
        assertThat(result.reply()).as("handed back, unpublished").isNotNull();
        return Objects.requireNonNull(result.reply());
    }

    private ReplySweep sweep(ReplyRecords using) {
        return new ReplySweep(new UnrecordedReplies(redis.reactive(), keys, clock), using,
                new ReplySweep.Settings(AFTER, Duration.ofHours(1)), meters);
    }

    private ReplyRecords records(List<ReplyRecorded> broker) {
        ReplyPublisher publisher = reply -> refused.contains(reply.streamId())
                ? Mono.error(new IllegalStateException("broker refused"))
                : Mono.fromRunnable(() -> broker.add(reply));
        return new ReplyRecords(() -> new BotRegistry(List.of()), publisher, store, clock, meters);
    }
}
