package io.wecomrelay.processor.decision;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a decision should ask Kafka Streams to commit at once ({@code ProcessorContext#commit()}) instead of
 * waiting for the next regular commit: yes when it is the first decision its stream thread made after a quiet spell
 * of at least {@code quiet}. Such a decision has nothing to share a transaction with, yet under exactly-once the
 * llm-worker (a read_committed consumer) sees it only once it is committed: up to {@code commit.interval.ms} plus
 * {@code poll.ms} later, the largest part of a lone message's way to Dify (issue 16). Under load decisions keep
 * committing together at the interval: only the first after a whole quiet spell asks, so at most one extra
 * transaction per spell, and a thread that is never quiet never asks.
 * <p>
 * Per stream thread, because a commit commits the thread's transaction (all its tasks), whatever task asked.
 */
public final class PromptCommits {

    /** Never asks: the regular commit interval alone (the isolated topology of {@code relay replay}, tests). */
    public static final PromptCommits NEVER = new PromptCommits(Long.MAX_VALUE, () -> 0L);

    private final long quietNanos;
    private final LongSupplier nanoTime;
    private final ThreadLocal<long[]> lastDecision = ThreadLocal.withInitial(() -> new long[] {0L, 0L});

    private PromptCommits(long quietNanos, LongSupplier nanoTime) {
        this.quietNanos = quietNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * @param quiet    how long a thread must have made no decision for the next one to commit at once; the commit
     *                 interval: a shorter spell would add transactions under steady load that the interval would
     *                 have committed soon anyway
     * @param nanoTime a monotonic clock, {@code System::nanoTime} in production
     */
    public static PromptCommits afterQuiet(Duration quiet, LongSupplier nanoTime) {
        if (quiet.isNegative() || quiet.isZero()) {
            throw new IllegalArgumentException("quiet must be positive: " + quiet);
        }
        return new PromptCommits(quiet.toNanos(), nanoTime);
    }

    /** Called once per decision, on the stream thread that made it. */
    public boolean commitNow() {
        if (this == NEVER) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long[] last = lastDecision.get();   // {seen: 1 once a decision was made, when}
        boolean quiet = last[0] == 0L || now - last[1] >= quietNanos;
        last[0] = 1L;
        last[1] = now;
        return quiet;
    }
}
