package io.wecomrelay.llm.reply;

import java.time.Duration;
import java.util.Objects;

/**
 * How answer text is gathered into chunks: on average at most one chunk per {@code interval}, with up to {@code burst}
 * chunks at once after a quiet spell, and a chunk early whenever {@code maxChars} characters wait.
 * <p>
 * The burst is there for the deltas that come late: a delta held up on its way (a busy machine, two SSE frames read
 * together) would otherwise hold the next one back for the rest of an interval, so both would show late. With a
 * burst of one a chunk waits a whole interval after the one before it.
 *
 * @param interval the average spacing of chunks; a chunk's credit refills in this time
 * @param maxChars a chunk goes out early, whatever the credit, once this many characters wait
 * @param burst    how many chunks may go out back to back when enough time passed before them; at least 1
 */
public record Coalescing(Duration interval, int maxChars, int burst) {

    public Coalescing {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1: " + maxChars);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
    }
}
