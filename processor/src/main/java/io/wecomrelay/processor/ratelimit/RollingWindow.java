package io.wecomrelay.processor.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The times of the messages a bot accepted within the last window. Pure and immutable.
 * A message at {@code t} counts against every message in {@code (t - window, t + window)}, so a
 * record stamped slightly out of order is still counted.
 *
 * @param acceptedAt record timestamps (ms) of accepted messages, oldest first
 */
record RollingWindow(List<Long> acceptedAt) {

    static final Duration MINUTE = Duration.ofMinutes(1);

    RollingWindow {
        acceptedAt = List.copyOf(acceptedAt);
    }

    static RollingWindow empty() {
        return new RollingWindow(List.of());
    }

    boolean admits(long timestampMs, int limit) {
        return countAround(timestampMs) < limit;
    }

    /** This window with a message accepted at {@code timestampMs}; times that can no longer count are dropped. */
    RollingWindow plus(long timestampMs) {
        var kept = new ArrayList<Long>(acceptedAt.size() + 1);
        long newest = timestampMs;
        for (long t : acceptedAt) {
            newest = Math.max(newest, t);
        }
        for (long t : acceptedAt) {
            if (t > newest - MINUTE.toMillis()) {
                kept.add(t);
            }
        }
        int at = kept.size();
        while (at > 0 && kept.get(at - 1) > timestampMs) {
            at--;
        }
        kept.add(at, timestampMs);
        return new RollingWindow(kept);
    }

    private int countAround(long timestampMs) {
        long window = MINUTE.toMillis();
        int count = 0;
        for (long t : acceptedAt) {
            if (t > timestampMs - window && t < timestampMs + window) {
                count++;
            }
        }
        return count;
    }
}
