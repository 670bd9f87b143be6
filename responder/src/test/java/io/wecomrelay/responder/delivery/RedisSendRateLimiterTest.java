package io.wecomrelay.responder.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.testkit.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Two limiters sharing one Redis behave as one limit. */
class RedisSendRateLimiterTest {

    static TestRedis redis;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void twoInstancesTogetherNeverExceedTheLimitAndEveryoneGetsAPermitInTheEnd() {
        // Given two responder instances limiting one bot to 3 sends per 400 ms
        String prefix = "test-rate-" + UUID.randomUUID() + ":";
        var meters = new SimpleMeterRegistry();
        var first = new RedisSendRateLimiter(redis.reactive(), Clock.systemUTC(), UUID::randomUUID, prefix, 3, Duration.ofMillis(400), meters);
        var second = new RedisSendRateLimiter(redis.reactive(), Clock.systemUTC(), UUID::randomUUID, prefix, 3, Duration.ofMillis(400), meters);

        first.acquire("warm-up").block();   // connection set-up would otherwise delay the first grants
        second.acquire("warm-up").block();

        // When both ask for 5 permits at once
        List<Long> granted = Collections.synchronizedList(new ArrayList<>());
        Flux.range(0, 10)
                .flatMap(i -> (i % 2 == 0 ? first : second).acquire("bot-1").then(Mono.fromRunnable(
                        () -> granted.add(System.nanoTime()))))
                .blockLast(Duration.ofSeconds(10));

        // Then all 10 were granted, never more than 3 within 400 ms (less the time a reply takes to come
        // back from Redis, since grants are observed here, not where they are decided), and some had to wait
        List<Long> times = new ArrayList<>(granted);
        Collections.sort(times);
        assertThat(times).hasSize(10);
        for (int i = 3; i < times.size(); i++) {
            assertThat(Duration.ofNanos(times.get(i) - times.get(i - 3))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(meters.counter("relay.responder.ratelimit.waits").count()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void aUsedPermitCountsFromWhenItsSendWasAnswered() {
        // Given a permit granted at T
        String prefix = "test-rate-" + UUID.randomUUID() + ":";
        UUID permitId = UUID.randomUUID();
        Instant granted = Instant.parse("2030-01-01T00:00:00Z");
        var clock = new MutableClock(granted);
        var limiter = new RedisSendRateLimiter(redis.reactive(), clock, () -> permitId, prefix, 1,
                Duration.ofSeconds(1), new SimpleMeterRegistry());
        SendRateLimiter.Permit permit = limiter.acquire("bot-1").block();

        // When its send is answered 700 ms later
        clock.advance(Duration.ofMillis(700));
        permit.used().block();

        // Then the window counts it from then
        assertThat(redis.template().opsForZSet().score(prefix + "bot-1", permitId.toString()))
                .isEqualTo((double) granted.plusMillis(700).toEpochMilli());
    }
}
