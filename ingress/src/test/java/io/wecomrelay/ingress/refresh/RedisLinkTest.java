package io.wecomrelay.ingress.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Opening the shared connection happens off non-blocking threads, and Redis calls wait for it. */
class RedisLinkTest {

    final List<String> openedOn = new CopyOnWriteArrayList<>();
    final AtomicInteger refusals = new AtomicInteger(2);
    final ReactiveRedisConnectionFactory factory = mock(ReactiveRedisConnectionFactory.class);
    final RedisLink link = new RedisLink(factory, Duration.ofMillis(10), Duration.ofMillis(50));

    RedisLinkTest() {
        // opening blocks the caller in Spring Data; here it records where it ran and fails twice, like Redis down at start
        when(factory.getReactiveConnection()).thenAnswer(invocation -> {
            openedOn.add((Schedulers.isInNonBlockingThread() ? "non-blocking " : "") + Thread.currentThread().getName());
            if (refusals.getAndDecrement() > 0) {
                throw new RedisConnectionFailureException("refused");
            }
            return mock(ReactiveRedisConnection.class);
        });
    }

    @Test
    void aCallBeforeTheConnectionIsOpenFailsAtOnceWithoutOpeningItOnTheCallersThread() {
        Mono<String> call = link.whenOpen(() -> Mono.just("reply")).subscribeOn(Schedulers.parallel());

        StepVerifier.create(call).expectError(RedisConnectionFailureException.class).verify(Duration.ofSeconds(5));
        assertThat(openedOn).isEmpty();
        assertThat(link.isOpen()).isFalse();
    }

    @Test
    void theConnectionIsOpenedInTheBackgroundTryingAgainUntilRedisAnswers() {
        link.open().block(Duration.ofSeconds(10));

        assertThat(link.isOpen()).isTrue();
        assertThat(openedOn).hasSize(3).noneMatch(thread -> thread.startsWith("non-blocking"));
        StepVerifier.create(link.whenOpen(() -> Mono.just("reply")).subscribeOn(Schedulers.parallel()))
                .expectNext("reply").verifyComplete();
    }
}
