package io.wecomrelay.connector.socket;

import java.time.Duration;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;

/**
 * How long a bot's socket waits before it subscribes again. After a drop or a refusal: {@code initial}, doubling per
 * failure up to {@code max}; after WeCom's 45009 (subscribes too frequent) {@code frequency}, since retrying sooner
 * only extends the limit. Each wait is jittered ±50 % so that many bots dropped together do not come back in step.
 */
final class Backoff {

    private final SocketSettings settings;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    Backoff(SocketSettings settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    /** The wait after {@code failures} failed tries in a row (0 for the first). */
    Duration next(int failures, boolean frequencyLimited) {
        long base = frequencyLimited ? settings.frequencyBackoff().toMillis()
                : Math.min(settings.maxBackoff().toMillis(), settings.initialBackoff().toMillis() << Math.min(failures, 20));
        return Duration.ofMillis((long) (base * (0.5 + random.getAsDouble())));
    }

    /**
     * The pause before a kicked bot tries once more: {@code kickedRetry} doubled per kick in a row, at most a day;
     * null when kicked bots never retry ({@code kickedRetry} zero).
     */
    @Nullable Duration afterKick(int kicks) {
        if (settings.kickedRetry().isZero()) {
            return null;
        }
        long pause = settings.kickedRetry().toMillis() << Math.min(Math.max(kicks - 1, 0), 16);
        return Duration.ofMillis(Math.min(pause, Duration.ofDays(1).toMillis()));
    }
}
