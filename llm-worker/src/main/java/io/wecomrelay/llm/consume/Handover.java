package io.wecomrelay.llm.consume;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives partitions up without a second Dify call. When a rebalance moves a partition to another worker (one joined
 * or left the group), or this worker shuts down, its replies that are streaming are let finish, for a bounded time,
 * before the partition goes: their offsets are then committed and the next owner starts after them. Abandoning them
 * instead would make the next owner redo them, asking Dify for the whole answer a second time, which the relay allows
 * only after a crash.
 * <p>
 * While a partition is being given up, none of its records starts here any more (the waiting ones are dropped: the
 * next owner takes them, nothing was asked of Dify for them), and a reply of it that fails is not redone here but
 * left to the next owner, which would otherwise redo it once more. A reply still running at the bound is abandoned by
 * the caller and redone by the next owner with the next attempt number, as after a crash.
 * <p>
 * {@link #drain} blocks the consumer thread, inside the rebalance callback; the bound must leave room within
 * {@code max.poll.interval.ms} ({@link ConsumerSettings#checkDrainFits}).
 */
final class Handover {

    private static final Logger log = LoggerFactory.getLogger(Handover.class);

    /** How a reply that was running when its partition was given up ended here. */
    enum Outcome {
        /** Finished within the bound (answered, or dead-lettered): committed before the partition moved. */
        DRAINED("drained"),
        /** Failed while its partition was being given up: not redone here, its next owner redoes it. */
        FAILED("failed"),
        /** Still running at the bound: abandoned (its Dify task stopped), its next owner redoes it. */
        TIMED_OUT("timed_out");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /** The value of the metric's {@code outcome} tag. */
        String tag() {
            return tag;
        }
    }

    /** Ends a try that is not made, or a reply that is not redone, because its partition goes to another worker. */
    static final class LeftToNextOwner extends RuntimeException {
        LeftToNextOwner(@Nullable Throwable failure) {
            super("partition given up", failure, false, false);
        }
    }

    private final KeyedScheduler scheduler;
    private final AcceptedConsumer.Metrics metrics;
    private final Set<TopicPartition> leaving = ConcurrentHashMap.newKeySet();

    Handover(KeyedScheduler scheduler, AcceptedConsumer.Metrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** Whether {@code partition} is being given up: no try of its records starts here any more. Thread-safe. */
    boolean leaving(TopicPartition partition) {
        return leaving.contains(partition);
    }

    /** The partitions are this worker's (again). */
    void assigned(Collection<TopicPartition> partitions) {
        leaving.removeAll(partitions);
    }

    /**
     * Drops the waiting records of {@code partitions} and waits at most {@code bound} for their running replies to
     * finish. Returns when all did or the bound passed; the caller then commits what finished and abandons the rest.
     *
     * @param why for the log: {@code revoked} or {@code shutdown}
     */
    void drain(Collection<TopicPartition> partitions, Duration bound, String why) {
        leaving.addAll(partitions);
        Set<TopicPartition> given = Set.copyOf(partitions);
        Map<Work, CompletableFuture<Void>> running = scheduler.stopStarting(work -> given.contains(work.partition()));
        if (running.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        log.info("letting {} running replies finish before their partitions go ({}) partitions={} bound={}",
                running.size(), why, given, bound);
        await(running.values(), bound);
        var counts = new EnumMap<Outcome, Integer>(Outcome.class);
        running.forEach((work, ended) -> {
            Outcome outcome = outcome(ended);
            counts.merge(outcome, 1, Integer::sum);
            metrics.handedOver(work.message().botId(), outcome.tag());
            if (outcome != Outcome.DRAINED) {
                log.info("left to the partition's next owner, who redoes it ({}) {} outcome={}", why, work, outcome.tag());
            }
        });
        log.info("handed over ({}) partitions={} drained={} failed={} timedOut={} tookMs={}", why, given,
                counts.getOrDefault(Outcome.DRAINED, 0), counts.getOrDefault(Outcome.FAILED, 0),
                counts.getOrDefault(Outcome.TIMED_OUT, 0), (System.nanoTime() - started) / 1_000_000);
    }

    private static void await(Collection<CompletableFuture<Void>> ends, Duration bound) {
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // some still run, or some failed: each one's outcome tells
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Outcome outcome(CompletableFuture<Void> ended) {
        if (!ended.isDone()) {
            return Outcome.TIMED_OUT;
        }
        return ended.isCompletedExceptionally() ? Outcome.FAILED : Outcome.DRAINED;
    }
}
