package io.wecomrelay.support.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

class WheelTimeoutTest {

    private final HashedWheelTimer wheel = new HashedWheelTimer(5, TimeUnit.MILLISECONDS);

    @AfterEach
    void stop() {
        wheel.stop();
    }

    @Test
    void aCallThatAnswersInTimePassesItsValueOnAndLeavesNoTimeoutBehind() throws InterruptedException {
        StepVerifier.create(WheelTimeout.bound(Mono.just("applied"), wheel, Duration.ofSeconds(5)))
                .expectNext("applied")
                .verifyComplete();

        assertThat(pendingSoon()).isZero();
    }

    @Test
    void aCallThatAnswersNothingInTimeFailsWithATimeoutAndIsCancelled() {
        var cancelled = new AtomicBoolean();
        var silent = Mono.<String>never().doOnCancel(() -> cancelled.set(true));

        StepVerifier.create(WheelTimeout.bound(silent, wheel, Duration.ofMillis(50)))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(cancelled).isTrue();
    }

    @Test
    void aBoundGivenASchedulerFailsThereNotOnTheWheelsThread() {
        var failOn = Schedulers.newSingle("fail-on");
        var failedOn = new AtomicReference<String>();
        try {
            StepVerifier.create(WheelTimeout.bound(Mono.<String>never(), wheel, Duration.ofMillis(50), failOn)
                            .doOnError(e -> failedOn.set(Thread.currentThread().getName())))
                    .expectError(TimeoutException.class)
                    .verify(Duration.ofSeconds(5));
        } finally {
            failOn.dispose();
        }

        assertThat(failedOn.get()).startsWith("fail-on");
    }

    @Test
    void aBoundWhoseSchedulerIsShutDownStillFails() {
        var failOn = Schedulers.newSingle("stopped");
        failOn.dispose();

        StepVerifier.create(WheelTimeout.bound(Mono.<String>never(), wheel, Duration.ofMillis(50), failOn))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void failuresAndEmptyAnswersPassOnAsTheyCame() throws InterruptedException {
        StepVerifier.create(WheelTimeout.bound(Mono.error(new IllegalStateException("down")), wheel, Duration.ofSeconds(5)))
                .expectErrorMessage("down")
                .verify();
        StepVerifier.create(WheelTimeout.bound(Mono.<String>empty(), wheel, Duration.ofSeconds(5)))
                .verifyComplete();

        assertThat(pendingSoon()).isZero();
    }

    @Test
    void aCancelFromDownstreamCancelsTheCallAndTheTimeout() throws InterruptedException {
        var call = Sinks.<String>one();
        var cancelled = new AtomicBoolean();

        WheelTimeout.bound(call.asMono().doOnCancel(() -> cancelled.set(true)), wheel, Duration.ofSeconds(5))
                .subscribe().dispose();

        assertThat(cancelled).isTrue();
        assertThat(pendingSoon()).isZero();
    }

    @Test
    void theCallSeesTheSubscribersContext() {
        var call = Mono.deferContextual(context -> Mono.just(context.getOrDefault("trace", "none")));

        StepVerifier.create(WheelTimeout.bound(call, wheel, Duration.ofSeconds(5)).contextWrite(Context.of("trace", "t-1")))
                .expectNext("t-1")
                .verifyComplete();
    }

    /** Cancelled timeouts leave the wheel's count at its next tick. */
    private long pendingSoon() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (wheel.pendingTimeouts() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return wheel.pendingTimeouts();
    }
}
