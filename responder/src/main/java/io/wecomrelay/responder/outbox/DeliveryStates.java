package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wecomrelay.responder.delivery.DeliveryRun.PartState;
import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The delivery state of one stream, a hash {@code {prefix}delivery:{streamId}}: {@code queued} (the job
 * id, written by the fold script), {@code part:N} = {@code sent} | {@code recorded} per part WeCom
 * accepted, and {@code done} = {@code delivered} | {@code failed} once the job is complete. It lives
 * {@code state-ttl} after its last change.
 */
public final class DeliveryStates {

    private static final RedisScript<Long> MARK = RedisScript.of(
            new ClassPathResource("io/wecomrelay/responder/outbox/mark.lua"), Long.class);
    private static final String PART = "part:";

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;
    private final Duration ttl;

    public DeliveryStates(ReactiveStringRedisTemplate redis, OutboxKeys keys, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.ttl = ttl;
    }

    /** The parts an earlier run of the stream's job got WeCom to accept, by 1-based part number. */
    Mono<Map<Integer, PartState>> parts(String streamId) {
        return redis.<String, String>opsForHash().entries(keys.state(streamId))
                .filter(entry -> entry.getKey().startsWith(PART))
                .collectMap(entry -> Integer.parseInt(entry.getKey().substring(PART.length())),
                        entry -> PartState.valueOf(entry.getValue().toUpperCase(Locale.ROOT)), HashMap::new);
    }

    Mono<Void> mark(String streamId, int part, PartState state) {
        return redis.execute(MARK, List.of(keys.state(streamId)),
                List.of(PART + part, state.name().toLowerCase(Locale.ROOT), Long.toString(ttl.toMillis()))).then();
    }

    Duration ttl() {
        return ttl;
    }
}
