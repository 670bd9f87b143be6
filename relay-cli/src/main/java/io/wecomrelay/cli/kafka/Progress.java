package io.wecomrelay.cli.kafka;

import java.io.PrintWriter;

import org.jspecify.annotations.Nullable;

/**
 * Progress of long work on stderr, at most one line a second, so that stdout stays the result alone (and can be
 * piped). {@link #NONE} for tests and {@code --quiet}. Thread-safe (a replay reads partitions in parallel).
 */
public final class Progress {

    public static final Progress NONE = new Progress(null);

    private static final long EVERY_NANOS = 1_000_000_000L;

    private final @Nullable PrintWriter err;
    private long lastNanos = System.nanoTime();

    public Progress(@Nullable PrintWriter err) {
        this.err = err;
    }

    /** A line at most once a second. */
    public synchronized void tick(String what, long done, long total) {
        if (err == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastNanos < EVERY_NANOS) {
            return;
        }
        lastNanos = now;
        err.println(total > 0 ? what + ": " + done + " of " + total + " (" + (done * 100 / total) + " %)" : what + ": " + done);
        err.flush();
    }

    /** A line always (a phase begins or ends, a warning). */
    public synchronized void say(String line) {
        if (err != null) {
            err.println(line);
            err.flush();
        }
    }
}
