package io.wecomrelay.cli.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --since 24h} or {@code --from T [--to T]}; none: {@code fallback}. */
public final class TimeRangeOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Records of the last DURATION (e.g. 30m, 24h, 7d).")
    @Nullable Duration since;

    @Option(names = "--from", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Start of the range, inclusive (2026-11-21T08:00:00Z, or a date for UTC midnight).")
    @Nullable Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = InstantConverter.class,
            description = "End of the range, exclusive (default: now).")
    @Nullable Instant to;

    public TimeRange resolve(Clock clock, @Nullable TimeRange fallback) {
        if (since != null && (from != null || to != null)) {
            throw new ParameterException(spec.commandLine(), "give --since or --from/--to, not both");
        }
        if (since != null) {
            return TimeRange.since(since, clock);
        }
        if (from == null && to != null) {
            throw new ParameterException(spec.commandLine(), "--to needs --from");
        }
        if (from == null) {
            if (fallback == null) {
                throw new ParameterException(spec.commandLine(), "give --since or --from (and --to)");
            }
            return fallback;
        }
        Instant end = to == null ? clock.instant().plusSeconds(1) : to;
        if (!from.isBefore(end)) {
            throw new ParameterException(spec.commandLine(), "--from must be before --to");
        }
        return new TimeRange(from, end);
    }
}
