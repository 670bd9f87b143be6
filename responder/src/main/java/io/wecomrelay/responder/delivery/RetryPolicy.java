package io.wecomrelay.responder.delivery;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retries of one part after a transient failure (45009, 5xx, timeouts): exponential backoff.
 *
 * @param maxAttempts attempts per part including the first; then the reply is dead-lettered
 */
public record RetryPolicy(@DefaultValue("6") @Min(1) int maxAttempts,
                          @DefaultValue("1s") @NotNull Duration initialBackoff,
                          @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
                          @DefaultValue("30s") @NotNull Duration maxBackoff) {

    /** The pause after failed attempt {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }

    public boolean allowsAnotherAfter(int attempt) {
        return attempt < maxAttempts;
    }
}
