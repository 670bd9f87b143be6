package io.wecomrelay.connector.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    static SocketSettings settings(Duration kickedRetry) {
        return new SocketSettings(URI.create("ws://127.0.0.1:1"), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60), 1 << 20, kickedRetry);
    }

    @Test
    void dropsDoubleFromTheInitialWaitUpToTheMaximum() {
        var backoff = new Backoff(settings(Duration.ofHours(1)), () -> 0.5); // no jitter

        assertThat(backoff.next(0, false)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next(1, false)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.next(4, false)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.next(5, false)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.next(60, false)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void subscribesTooFrequent45009WaitTheFrequencyBackoffHoweverFewTheFailures() {
        var backoff = new Backoff(settings(Duration.ofHours(1)), () -> 0.5);

        assertThat(backoff.next(0, true)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.next(7, true)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void everyWaitIsJitteredByHalfEitherWay() {
        assertThat(new Backoff(settings(Duration.ofHours(1)), () -> 0.0).next(0, true)).isEqualTo(Duration.ofSeconds(30));
        assertThat(new Backoff(settings(Duration.ofHours(1)), () -> 0.999).next(0, true)).isEqualTo(Duration.ofMillis(89_940));
    }

    @Test
    void aKickedBotWaitsLongerAfterEachKickInARowAtMostADayOrForeverWhenTurnedOff() {
        var backoff = new Backoff(settings(Duration.ofHours(1)), () -> 0.5);

        assertThat(backoff.afterKick(1)).isEqualTo(Duration.ofHours(1));
        assertThat(backoff.afterKick(2)).isEqualTo(Duration.ofHours(2));
        assertThat(backoff.afterKick(6)).isEqualTo(Duration.ofHours(24));
        assertThat(new Backoff(settings(Duration.ZERO), () -> 0.5).afterKick(1)).isNull();
    }
}
