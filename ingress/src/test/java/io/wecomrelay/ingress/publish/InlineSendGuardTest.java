package io.wecomrelay.ingress.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class InlineSendGuardTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final InlineSendGuard guard = new InlineSendGuard(now::get, Duration.ofSeconds(1), 3);

    @Test
    void sendsAreOffloadedUntilTheFirstAck() {
        assertThat(guard.inlineAllowed()).isFalse();

        guard.sending();
        assertThat(guard.inlineAllowed()).isFalse();
        guard.completed(true);

        assertThat(guard.inlineAllowed()).isTrue();
    }

    @Test
    void sendsAreOffloadedOnceAcksAreStaleSoMetadataMayHaveExpired() {
        guard.sending();
        guard.completed(true);

        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(guard.inlineAllowed()).isTrue();
        now.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(guard.inlineAllowed()).isFalse();
    }

    @Test
    void failuresDoNotCountAsAcks() {
        guard.sending();
        guard.completed(false);

        assertThat(guard.inlineAllowed()).isFalse();
    }

    @Test
    void sendsAreOffloadedWhileTheBufferCouldBeFull() {
        guard.sending();
        guard.completed(true);
        guard.sending();
        guard.sending();
        assertThat(guard.inlineAllowed()).isTrue();

        guard.sending(); // three outstanding: at the limit
        assertThat(guard.inlineAllowed()).isFalse();

        guard.completed(true);
        assertThat(guard.inlineAllowed()).isTrue();
    }

    @Test
    void theLimitIsTheBufferOverTheLargestRecord() {
        assertThat(InlineSendGuard.maxOutstanding(32L * 1024 * 1024, 64 * 1024)).isEqualTo(512);
        assertThat(InlineSendGuard.maxOutstanding(1024, 64 * 1024)).isEqualTo(1);
    }
}
