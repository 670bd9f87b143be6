package io.wecomrelay.cli.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Record times {@code [from, to)}. */
public record TimeRange(Instant from, Instant to) {

    public static final TimeRange ALL = new TimeRange(Instant.EPOCH, Instant.parse("9999-12-31T00:00:00Z"));

    public TimeRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
    }

    public static TimeRange since(Duration ago, Clock clock) {
        Instant now = clock.instant();
        return new TimeRange(now.minus(ago), now.plusSeconds(1));
    }

    public boolean contains(long timestampMs) {
        return timestampMs >= from.toEpochMilli() && timestampMs < to.toEpochMilli();
    }

    /** This range, ending {@code later} after its end: replies and deliveries follow their message. */
    public TimeRange extendedBy(Duration later) {
        return this == ALL || to.isAfter(ALL.to.minus(later)) ? new TimeRange(from, ALL.to) : new TimeRange(from, to.plus(later));
    }

    /** This range, starting {@code earlier} before its start (never before the epoch). */
    public TimeRange startingEarlier(Duration earlier) {
        Instant start = from.minus(earlier);
        return new TimeRange(start.isBefore(Instant.EPOCH) ? Instant.EPOCH : start, to);
    }
}
