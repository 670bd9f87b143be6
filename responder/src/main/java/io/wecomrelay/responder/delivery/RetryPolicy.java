package io.wecomrelay.responder.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of one part after a transient failure (45009, 5xx, timeouts): exponential backoff.
 *
 * @param maxAttempts attempts per part including the first; then the reply is dead-lettered
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1 || multiplier < 1.0) {
            throw new IllegalArgumentException("a retry policy needs at least one attempt and a multiplier of at least 1");
        }
    }

    /** The pause after failed attempt {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }

    public boolean allowsAnotherAfter(int attempt) {
        return attempt < maxAttempts;
    }
}
