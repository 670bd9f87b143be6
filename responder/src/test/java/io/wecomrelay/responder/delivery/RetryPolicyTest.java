package io.wecomrelay.responder.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    final RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(3));

    @Test
    void backsOffExponentiallyUpToTheMaximum() {
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void allowsMaxAttemptsInAll() {
        assertThat(policy.allowsAnotherAfter(3)).isTrue();
        assertThat(policy.allowsAnotherAfter(4)).isFalse();
    }

    @Test
    void retriesOnlyRateLimitAndBusyErrcodes() {
        assertThat(SendResult.ofErrcode(0, "ok").kind()).isEqualTo(SendResult.Kind.DELIVERED);
        assertThat(SendResult.ofErrcode(45009, "api freq out of limit").kind()).isEqualTo(SendResult.Kind.TRANSIENT);
        assertThat(SendResult.ofErrcode(-1, "system busy").kind()).isEqualTo(SendResult.Kind.TRANSIENT);
        assertThat(SendResult.ofErrcode(93000, "invalid webhook url").kind()).isEqualTo(SendResult.Kind.PERMANENT);
        assertThat(SendResult.ofErrcode(40008, "invalid message type").kind()).isEqualTo(SendResult.Kind.PERMANENT);
    }
}
