package io.wecomrelay.llm.state;

import java.time.Duration;

import reactor.core.publisher.Mono;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Per-stream bookkeeping in Redis, shared by all workers:
 * <ul>
 * <li>{@code llm:attempt:{streamId}}: a counter incremented each time a worker starts the stream,
 *     so a record redelivered after a crash gets attempt + 1 (and the responder replaces the partial
 *     text of the lower attempt);</li>
 * <li>{@code llm:done:{streamId}}: set once the last chunk of an attempt is acknowledged by Kafka,
 *     holding that attempt; a redelivered record whose stream is done is not regenerated.</li>
 * </ul>
 * Both expire after the ledger TTL, well after WeCom's 6-minute window.
 */
public final class StreamLedger {

    static final String ATTEMPT_PREFIX = "llm:attempt:";
    static final String DONE_PREFIX = "llm:done:";

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final Duration timeout;

    public StreamLedger(ReactiveStringRedisTemplate redis, Duration ttl, Duration timeout) {
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    /** True when an attempt of this stream already published its last chunk. */
    public Mono<Boolean> isDone(String streamId) {
        return redis.hasKey(DONE_PREFIX + streamId).timeout(timeout).defaultIfEmpty(false);
    }

    /** The attempt number of a new start of this stream: 1 the first time, then 2, 3, ... */
    public Mono<Integer> nextAttempt(String streamId) {
        String key = ATTEMPT_PREFIX + streamId;
        return redis.opsForValue().increment(key)
                .flatMap(attempt -> redis.expire(key, ttl).thenReturn(attempt.intValue()))
                .timeout(timeout);
    }

    /** Records that {@code attempt} finished the stream. */
    public Mono<Void> markDone(String streamId, int attempt) {
        return redis.opsForValue().set(DONE_PREFIX + streamId, Integer.toString(attempt), ttl).timeout(timeout).then();
    }
}
