package io.wecomrelay.connector.continuation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A step held by a Redis outage is tried again less and less often, never less than once a minute. */
class AfterFinishHoldTest {

    @Test
    void theWaitDoublesWithEachHoldInARowUpToAMinute() {
        Duration interval = Duration.ofSeconds(2);

        assertThat(AfterFinish.holdDelay(interval, 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(AfterFinish.holdDelay(interval, 2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(AfterFinish.holdDelay(interval, 5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(AfterFinish.holdDelay(interval, 6)).isEqualTo(AfterFinish.MAX_HOLD_DELAY);
        assertThat(AfterFinish.holdDelay(interval, 1_000)).isEqualTo(AfterFinish.MAX_HOLD_DELAY);
    }
}
