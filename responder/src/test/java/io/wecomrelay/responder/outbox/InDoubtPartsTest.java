package io.wecomrelay.responder.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.wecomrelay.responder.delivery.DeliveryRun.PartState;
import io.wecomrelay.testkit.MutableClock;
import org.junit.jupiter.api.Test;

class InDoubtPartsTest {

    static final Duration GRACE = Duration.ofSeconds(15);

    final MutableClock clock = new MutableClock();
    final InDoubtParts parts = new InDoubtParts(clock, GRACE);

    @Test
    void aJobWithoutPartsInDoubtGoesOnAtOnce() {
        assertThat(parts.waitFor("s1", Map.of())).isEmpty();
        assertThat(parts.waitFor("s1", Map.of(1, PartState.RECORDED, 2, PartState.NOT_SENT))).isEmpty();
    }

    @Test
    void aPartInDoubtIsLeftToItsRunUntilItStayedUnchangedForTheGrace() {
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENDING))).contains(GRACE);
        clock.advance(Duration.ofSeconds(10));
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENDING))).contains(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENDING))).isEmpty();
    }

    @Test
    void progressOfTheOtherRunStartsTheWaitAgain() {
        parts.waitFor("s1", Map.of(1, PartState.SENDING));
        clock.advance(Duration.ofSeconds(14));
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENT))).contains(GRACE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(parts.waitFor("s1", Map.of(1, PartState.RECORDED, 2, PartState.SENDING))).contains(GRACE);
    }

    @Test
    void streamsAreWatchedApart() {
        parts.waitFor("s1", Map.of(1, PartState.SENDING));
        clock.advance(GRACE);
        assertThat(parts.waitFor("s2", Map.of(1, PartState.SENDING))).contains(GRACE);
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENDING))).isEmpty();
    }

    @Test
    void aJobThatWentOnIsWatchedAfreshWhenItIsInDoubtAgain() {
        parts.waitFor("s1", Map.of(1, PartState.SENT));
        clock.advance(GRACE);
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENT))).isEmpty();
        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENT))).contains(GRACE);
    }

    @Test
    void aSightingOfAJobNoLongerWatchedIsForgottenAfterTenGracesSoItIsWatchedAfreshWhenItComesBack() {
        parts.waitFor("left", Map.of(1, PartState.SENDING)); // this run lost the job's lease: never asked again
        clock.advance(GRACE.multipliedBy(10).plusMillis(1));
        parts.waitFor("other", Map.of(1, PartState.SENDING)); // any call forgets the old sightings

        assertThat(parts.waitFor("left", Map.of(1, PartState.SENDING))).as("remembered, it would go on at once")
                .contains(GRACE);
    }

    @Test
    void aSightingIsKeptForTenGracesWhileOtherJobsAreWatched() {
        parts.waitFor("s1", Map.of(1, PartState.SENDING));
        clock.advance(GRACE.multipliedBy(10));
        parts.waitFor("other", Map.of(1, PartState.SENDING));

        assertThat(parts.waitFor("s1", Map.of(1, PartState.SENDING))).as("unchanged for ten graces: its run died")
                .isEmpty();
    }
}
