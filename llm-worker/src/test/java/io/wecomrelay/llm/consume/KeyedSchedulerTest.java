package io.wecomrelay.llm.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wecomrelay.schemas.testing.Events;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Tasks are Monos the test completes by hand, so order and concurrency are exact. */
class KeyedSchedulerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final Map<Long, Sinks.Empty<Void>> tasks = new ConcurrentHashMap<>();
    private final List<Long> started = new CopyOnWriteArrayList<>();
    private final List<Long> done = new CopyOnWriteArrayList<>();
    private final List<Long> cancelled = new CopyOnWriteArrayList<>();

    private final List<String> deferred = new CopyOnWriteArrayList<>();

    private KeyedScheduler scheduler(int maxInFlight) {
        return scheduler(maxInFlight, maxInFlight);
    }

    private KeyedScheduler scheduler(int maxInFlight, int maxPerBot) {
        return new KeyedScheduler(maxInFlight, maxPerBot, work -> {
            Sinks.Empty<Void> sink = Sinks.empty();
            tasks.put(work.offset(), sink);
            started.add(work.offset());
            return sink.asMono().doOnCancel(() -> cancelled.add(work.offset()));
        }, work -> done.add(work.offset()), deferred::add);
    }

    @Test
    void oneKeyRunsOneAtATimeInOrderWhileOtherKeysGoAhead() {
        var scheduler = scheduler(10);
        scheduler.submit(work(P0, 0, "slow"));
        scheduler.submit(work(P0, 1, "slow"));
        scheduler.submit(work(P0, 2, "fast"));
        scheduler.submit(work(P0, 3, "fast"));

        assertThat(started).containsExactly(0L, 2L);
        finish(2);
        assertThat(started).containsExactly(0L, 2L, 3L);
        finish(3);
        assertThat(done).containsExactly(2L, 3L);

        finish(0);
        assertThat(started).containsExactly(0L, 2L, 3L, 1L);
        finish(1);
        assertThat(done).containsExactly(2L, 3L, 0L, 1L);
        assertThat(scheduler.size()).isZero();
    }

    @Test
    void atMostMaxInFlightRunAndFreedSlotsGoToWaitingKeys() {
        var scheduler = scheduler(2);
        for (long offset = 0; offset < 5; offset++) {
            scheduler.submit(work(P0, offset, "k" + offset));
        }
        assertThat(started).containsExactly(0L, 1L);
        assertThat(scheduler.size()).isEqualTo(5);

        finish(1);
        assertThat(started).containsExactly(0L, 1L, 2L);
        assertThat(scheduler.running()).isEqualTo(2);
    }

    @Test
    void cancellingAPartitionAbandonsItsWorksWithoutReportingThemDone() {
        var scheduler = scheduler(10);
        scheduler.submit(work(P0, 0, "a"));
        scheduler.submit(work(P0, 1, "a"));
        scheduler.submit(work(P1, 0, "b"));

        scheduler.cancel(work -> work.partition().equals(P0));

        assertThat(cancelled).containsExactly(0L);
        assertThat(scheduler.size()).isEqualTo(1);
        finish(0);
        assertThat(done).containsExactly(0L);
        assertThat(started).containsExactly(0L, 0L);
    }

    @Test
    void aSlowBotKeepsItsShareWhileNineOtherBotsAreAllServed() {
        var scheduler = scheduler(8, 2);
        // enough to take every slot, were there no share
        for (long offset = 0; offset < 8; offset++) {
            scheduler.submit(work(P0, offset, "slow", "slow-user-" + offset));
        }
        long offset = 8;
        for (int bot = 0; bot < 9; bot++) {
            for (int message = 0; message < 2; message++) {
                scheduler.submit(work(P0, offset++, "bot-" + bot, "user-" + bot + "-" + message));
            }
        }

        // every other bot's work is finished as soon as it starts; the slow bot's never are
        while (done.size() < 18) {
            var runningFast = started.stream().filter(o -> o >= 8 && !done.contains(o)).toList();
            assertThat(runningFast).as("something of the other bots runs").isNotEmpty();
            runningFast.forEach(this::finish);
        }

        assertThat(started).filteredOn(o -> o < 8).as("the slow bot holds its share").containsExactly(0L, 1L);
        assertThat(deferred).as("each waiting work counted once").containsExactly(
                "slow", "slow", "slow", "slow", "slow", "slow");
        assertThat(scheduler.size()).isEqualTo(8);
        assertThat(scheduler.running()).isEqualTo(2);

        finish(1);
        assertThat(started).filteredOn(o -> o < 8).as("its longest-waiting key goes next").containsExactly(0L, 1L, 2L);
    }

    @Test
    void aKeyWaitingForItsBotsShareKeepsItsOrder() {
        var scheduler = scheduler(10, 1);
        scheduler.submit(work(P0, 0, "bot-a", "first-user"));
        scheduler.submit(work(P0, 1, "bot-a", "second-user"));
        scheduler.submit(work(P0, 2, "bot-a", "second-user"));
        scheduler.submit(work(P0, 3, "bot-b", "third-user"));

        assertThat(started).containsExactly(0L, 3L);
        finish(0);
        assertThat(started).containsExactly(0L, 3L, 1L);
        finish(1);
        assertThat(started).containsExactly(0L, 3L, 1L, 2L);
    }

    @Test
    void cancellingARunningWorkFreesItsBotsShare() {
        var scheduler = scheduler(10, 1);
        scheduler.submit(work(P1, 0, "bot-a", "u1"));
        scheduler.submit(work(P0, 0, "bot-a", "u2"));

        scheduler.cancel(work -> work.partition().equals(P1));

        assertThat(started).containsExactly(0L, 0L);
        assertThat(scheduler.running()).isEqualTo(1);
        assertThat(scheduler.size()).isEqualTo(1);
    }

    @Test
    void stoppingAPartitionDropsItsWaitingWorksAndTellsHowItsRunningOnesEnd() {
        var scheduler = scheduler(10);
        for (var work : List.of(work(P0, 0, "a"), work(P0, 1, "a"), work(P0, 2, "b"), work(P0, 3, "c"), work(P1, 4, "d"))) {
            scheduler.submit(work);
        }

        var ends = scheduler.stopStarting(work -> work.partition().equals(P0));

        assertThat(ends.keySet()).extracting(Work::offset).containsExactlyInAnyOrder(0L, 2L, 3L);
        assertThat(ends.values()).noneMatch(CompletableFuture::isDone);
        assertThat(scheduler.size()).as("the waiting work is dropped").isEqualTo(4);
        finish(0);
        tasks.get(2L).tryEmitError(new IllegalStateException("failed"));
        scheduler.cancel(work -> work.offset() == 3);

        assertThat(started).as("the dropped work never starts").containsExactly(0L, 2L, 3L, 4L);
        assertThat(done).containsExactly(0L);
        assertThat(end(ends, 0)).isCompleted();
        assertThat(end(ends, 2)).isCompletedExceptionally();
        assertThat(end(ends, 3)).isCompletedExceptionally();
        assertThat(cancelled).containsExactly(3L);
        assertThat(scheduler.size()).isEqualTo(1);
    }

    private static CompletableFuture<Void> end(Map<Work, CompletableFuture<Void>> ends, long offset) {
        return ends.entrySet().stream().filter(entry -> entry.getKey().offset() == offset).findFirst().orElseThrow()
                .getValue();
    }

    private void finish(long offset) {
        tasks.get(offset).tryEmitEmpty();
    }

    private static Work work(TopicPartition partition, long offset, String key) {
        return work(partition, offset, "bot-1", key);
    }

    private static Work work(TopicPartition partition, long offset, String bot, String key) {
        var message = Events.accepted(bot, "m" + partition.partition() + "-" + offset, Events.T0);
        return new Work(partition, offset, 1, key, message, "trace");
    }
}
