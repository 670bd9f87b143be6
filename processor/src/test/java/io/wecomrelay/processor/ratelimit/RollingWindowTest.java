package io.wecomrelay.processor.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RollingWindowTest {

    private static final long MINUTE = 60_000;

    @Test
    void admitsUntilTheLimitWithinAMinute() {
        RollingWindow window = RollingWindow.empty().plus(0).plus(1_000);

        assertThat(window.admits(2_000, 3)).isTrue();
        assertThat(window.plus(2_000).admits(3_000, 3)).isFalse();
    }

    @Test
    void anAcceptanceStopsCountingExactlyOneMinuteLater() {
        RollingWindow window = new RollingWindow(List.of(0L, 1_000L));

        assertThat(window.admits(MINUTE - 1, 2)).isFalse();
        assertThat(window.admits(MINUTE, 2)).isTrue();
    }

    @Test
    void timesThatCanNoLongerCountAreDropped() {
        RollingWindow window = new RollingWindow(List.of(0L, 30_000L)).plus(MINUTE + 1);

        assertThat(window.acceptedAt()).containsExactly(30_000L, MINUTE + 1);
    }

    @Test
    void outOfOrderTimeIsInsertedInOrderAndCountsAgainstLaterOnes() {
        RollingWindow window = new RollingWindow(List.of(10_000L, 20_000L)).plus(15_000);

        assertThat(window.acceptedAt()).containsExactly(10_000L, 15_000L, 20_000L);
        assertThat(window.admits(5_000, 3)).isFalse();
    }
}
