package io.wecomrelay.responder.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.support.redis.LuaScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A sliding-window log in Redis ({@code rate-limit.lua}): at most {@code permits} sends per bot in any
 * {@code window}, across all responder instances. A permit is entered at its grant and stamped again
 * when its send was answered ({@code rate-limit-used.lua}), so a send delayed between grant and
 * request still counts a full window from when WeCom saw it. The window is widened by {@code margin}
 * for what remains (clock differences, WeCom's own counting).
 */
public final class RedisSendRateLimiter implements SendRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisSendRateLimiter.class);
    private static final RedisScript<Long> SCRIPT =
            LuaScripts.load("io/wecomrelay/responder/delivery/rate-limit.lua", Long.class);
    private static final RedisScript<Long> USED =
            LuaScripts.load("io/wecomrelay/responder/delivery/rate-limit-used.lua", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final String keyPrefix;
    private final int permits;
    private final Duration window;
    private final Counter waits;
    private final Timer waited;

    public RedisSendRateLimiter(ReactiveStringRedisTemplate redis, Clock clock, Supplier<UUID> ids, String keyPrefix,
                            int permits, Duration window, MeterRegistry meters) {
        this.redis = redis;
        this.clock = clock;
        this.ids = ids;
        this.keyPrefix = keyPrefix;
        this.permits = permits;
        this.window = window;
        this.waits = Counter.builder("relay.responder.ratelimit.waits")
                .description("Times a send had to wait for the per-bot rate limit").register(meters);
        this.waited = Timer.builder("relay.responder.ratelimit.wait").description("Time spent waiting for a permit").register(meters);
    }

    @Override
    public Mono<Permit> acquire(String botId) {
        long start = clock.millis();
        return tryAcquire(botId, start, true);
    }

    private Mono<Permit> tryAcquire(String botId, long start, boolean first) {
        String id = ids.get().toString();
        return redis.execute(SCRIPT, List.of(keyPrefix + botId), List.of(Long.toString(clock.millis()),
                        Long.toString(window.toMillis()), Integer.toString(permits), id))
                .next()
                .flatMap(waitMs -> {
                    if (waitMs <= 0) {
                        if (!first) {
                            waited.record(Duration.ofMillis(clock.millis() - start));
                        }
                        return Mono.<Permit>just(() -> used(botId, id));
                    }
                    if (first) {
                        waits.increment();
                        log.debug("rate limit reached botId={} waitMs={}", botId, waitMs);
                    }
                    return Mono.delay(Duration.ofMillis(waitMs)).then(Mono.defer(() -> tryAcquire(botId, start, false)));
                });
    }

    private Mono<Void> used(String botId, String permitId) {
        return redis.execute(USED, List.of(keyPrefix + botId), List.of(Long.toString(clock.millis()),
                        Long.toString(window.toMillis()), permitId))
                .then()
                .onErrorResume(e -> {
                    log.warn("cannot stamp a used permit botId={} cause={}", botId, e.toString());
                    return Mono.empty();
                });
    }
}
