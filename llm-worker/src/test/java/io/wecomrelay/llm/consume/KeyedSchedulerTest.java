package io.wecomrelay.llm.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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

    private KeyedScheduler scheduler(int maxInFlight) {
        return new KeyedScheduler(maxInFlight, work -> {
            Sinks.Empty<Void> sink = Sinks.empty();
            tasks.put(work.offset(), sink);
            started.add(work.offset());
            return sink.asMono().doOnCancel(() -> cancelled.add(work.offset()));
        }, work -> done.add(work.offset()));
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

    private void finish(long offset) {
        tasks.get(offset).tryEmitEmpty();
    }

    private static Work work(TopicPartition partition, long offset, String key) {
        var message = Events.accepted("bot-1", "m" + partition.partition() + "-" + offset, Events.T0);
        return new Work(partition, offset, 1, key, message, "trace");
    }
}
