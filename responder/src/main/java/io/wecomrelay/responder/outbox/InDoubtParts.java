package io.wecomrelay.responder.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.wecomrelay.responder.delivery.DeliveryRun.PartState;

/**
 * Parts of a job that an earlier run left in doubt: marked {@code sending} (WeCom may have taken it) or
 * {@code sent} (not yet recorded). That run may still be alive: an instance that lost Redis right after WeCom
 * answered keeps its run going and notes the answer as soon as Redis is back, while its lease may already have
 * passed to this instance. Sending such a part now would show the user the reply twice. So this instance acts on
 * a job with parts in doubt only once it has seen them unchanged for {@code grace}; any progress of the other run
 * starts the wait again. What is left is a run that really died, whose part is sent again after the grace (a
 * webhook has no way to tell a resend from a new message).
 */
final class InDoubtParts {

    private final Clock clock;
    private final Duration grace;
    private final Map<String, Sighting> sightings = new ConcurrentHashMap<>();

    InDoubtParts(Clock clock, Duration grace) {
        this.clock = clock;
        this.grace = grace;
    }

    /**
     * @param parts what earlier runs noted for the stream's job
     * @return how much longer to leave the job to its earlier run; empty when this run may go on
     */
    Optional<Duration> waitFor(String streamId, Map<Integer, PartState> parts) {
        Map<Integer, PartState> inDoubt = parts.entrySet().stream()
                .filter(part -> part.getValue() == PartState.SENDING || part.getValue() == PartState.SENT)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        Instant now = clock.instant();
        forgetOlderThan(now.minus(grace.multipliedBy(10)));
        if (inDoubt.isEmpty()) {
            sightings.remove(streamId);
            return Optional.empty();
        }
        Sighting sighting = sightings.compute(streamId,
                (id, earlier) -> earlier != null && earlier.parts().equals(inDoubt) ? earlier : new Sighting(inDoubt, now));
        Duration left = grace.minus(Duration.between(sighting.since(), now));
        if (left.compareTo(Duration.ZERO) > 0) {
            return Optional.of(left);
        }
        sightings.remove(streamId);
        return Optional.empty();
    }

    /** Jobs this instance stopped running (lease lost) must not pile up. */
    private void forgetOlderThan(Instant limit) {
        sightings.values().removeIf(sighting -> sighting.since().isBefore(limit));
    }

    private record Sighting(Map<Integer, PartState> parts, Instant since) {
    }
}
