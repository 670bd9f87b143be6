package io.wecomrelay.processor.decision;

import java.time.Duration;

/**
 * Whether a decision should ask Kafka Streams to commit at once ({@code ProcessorContext#commit()}) instead of
 * waiting for the next regular commit: yes when its message came after a quiet spell, at least {@code quiet} in record
 * time (when ingress received it) after every message its stream thread decided before. Such a decision has nothing
 * to share a transaction with, yet under exactly-once the llm-worker (a read_committed consumer) sees it only once it
 * is committed: up to {@code commit.interval.ms} plus {@code poll.ms} later, a large part of a lone message's way to
 * Dify (issue 16). Under load decisions keep committing together at the interval: at most one extra transaction per
 * quiet spell, none while messages keep coming.
 * <p>
 * Record time, not the time of deciding: messages that waited while the thread committed (a commit can take tens of
 * milliseconds on a loaded machine) are decided after a pause, yet they arrived close together; counting that pause
 * as quiet would make every commit ask for the next one. Per stream thread, because a commit commits the thread's
 * transaction (all its tasks), whatever task asked.
 */
public final class PromptCommits {

    /** Never asks: the regular commit interval alone (the isolated topology of {@code relay replay}, tests). */
    public static final PromptCommits NEVER = new PromptCommits(Long.MAX_VALUE);

    private final long quietMillis;
    /** Per thread: {1 once it decided a message, the latest record time it decided}. */
    private final ThreadLocal<long[]> latest = ThreadLocal.withInitial(() -> new long[] {0L, 0L});

    private PromptCommits(long quietMillis) {
        this.quietMillis = quietMillis;
    }

    /**
     * @param quiet how long no message may have come for the next one to commit at once; the commit interval: a
     *              shorter spell would add transactions under steady load that the interval would commit soon anyway
     */
    public static PromptCommits afterQuiet(Duration quiet) {
        if (quiet.isNegative() || quiet.isZero()) {
            throw new IllegalArgumentException("quiet must be positive: " + quiet);
        }
        return new PromptCommits(quiet.toMillis());
    }

    /** Called once per decision, on the stream thread that made it, with its record's time (epoch ms). */
    public boolean commitNow(long recordTime) {
        if (this == NEVER) {
            return false;
        }
        long[] seen = latest.get();
        // a message older than one decided before (another partition, a late retry) never counts as after a spell
        boolean quiet = seen[0] == 0L || recordTime - seen[1] >= quietMillis;
        seen[0] = 1L;
        seen[1] = Math.max(seen[1], recordTime);
        return quiet;
    }
}
