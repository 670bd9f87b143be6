package io.wecomrelay.support.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class WheelBoundTest {

    private final HashedWheelTimer wheel = new HashedWheelTimer(5, TimeUnit.MILLISECONDS);

    @AfterEach
    void stop() {
        wheel.stop();
    }

    @Test
    void aCallInTimePassesItsValueOn() {
        StepVerifier.create(Mono.just("stored").as(new WheelBound(wheel, Duration.ofSeconds(5))::on))
                .expectNext("stored")
                .verifyComplete();
    }

    @Test
    void aCallTooSlowFailsWithATimeoutOnParallelWhereReactorsTimeoutFailed() {
        var failedOn = new AtomicReference<String>();

        StepVerifier.create(Mono.<String>never().as(new WheelBound(wheel, Duration.ofMillis(50))::on)
                        .doOnError(e -> failedOn.set(Thread.currentThread().getName())))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(failedOn.get()).startsWith("parallel-");
    }
}
