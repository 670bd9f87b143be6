package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wecomrelay.responder.delivery.DeliveryRun.PartState;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.support.redis.LuaScripts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The delivery state of one stream, a hash {@code {prefix}delivery:{streamId}}: {@code queued} (the job
 * id, written by the fold script), {@code part:N} = {@code sending} (before each send) | {@code sent} |
 * {@code recorded} (once WeCom accepted it), and {@code done} = {@code delivered} | {@code failed} once the job is complete. It lives
 * {@code state-ttl} after its last change.
 */
public final class DeliveryStates {

    private static final RedisScript<Long> MARK = LuaScripts.load("io/wecomrelay/responder/outbox/mark.lua", Long.class);
    private static final String PART = "part:";
    private static final String DONE = "done";

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;
    private final Duration ttl;

    public DeliveryStates(ReactiveStringRedisTemplate redis, OutboxKeys keys, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.ttl = ttl;
    }

    /** What earlier runs of the stream's job did. */
    Mono<Earlier> load(String streamId) {
        return redis.<String, String>opsForHash().entries(keys.state(streamId))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new)
                .map(DeliveryStates::earlier);
    }

    private static Earlier earlier(Map<String, String> fields) {
        Map<Integer, PartState> parts = new HashMap<>();
        fields.forEach((field, value) -> {
            if (field.startsWith(PART)) {
                parts.put(Integer.parseInt(field.substring(PART.length())), PartState.valueOf(value.toUpperCase(Locale.ROOT)));
            }
        });
        String done = fields.get(DONE);
        return new Earlier(parts, done == null ? null : DeliveryOutcome.valueOf(done.toUpperCase(Locale.ROOT)));
    }

    /**
     * @param parts by 1-based part number, the parts WeCom accepted
     * @param done  the recorded outcome, when an earlier run got that far
     */
    record Earlier(Map<Integer, PartState> parts, @Nullable DeliveryOutcome done) {
        Earlier {
            parts = Map.copyOf(parts);
        }
    }

    Mono<Void> mark(String streamId, int part, PartState state) {
        return redis.execute(MARK, List.of(keys.state(streamId)),
                List.of(PART + part, state.name().toLowerCase(Locale.ROOT), Long.toString(ttl.toMillis()))).then();
    }

    Duration ttl() {
        return ttl;
    }
}
