package io.wecomrelay.connector.continuation;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.support.redis.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where a stream's after-finish step stands, in Redis, so that whoever holds the bot next goes on with it: hash
 * {@code {prefix}after:{streamId}} with the req_id that claimed it, how many text parts and images it has, and
 * {@code next}, the first item (parts from 0, then the images) not settled yet (acknowledged by WeCom, or given up
 * for good); and the bot's unfinished steps, hash {@code {prefix}after-pending:{botId}} (stream id → req_id), which a
 * new owner reads on subscribe. The claim is taken once (a message WeCom delivered twice is finished on two req_ids;
 * only the first claim goes on) and kept for {@code ttl} after its last change, also once done, so that a finish seen
 * again later claims nothing; a step is pending until its last item is settled. Each change is one script, and
 * {@code next} moves only from the value its writer read: an owner that lost the bot cannot move it back or skip.
 */
final class AfterFinishProgress {

    private static final String SCRIPTS = "io/wecomrelay/connector/continuation/";
    /** Claims the step unless claimed already, and lists it as the bot's pending step. */
    private static final RedisScript<Long> CLAIM = LuaScripts.load(SCRIPTS + "claim.lua", Long.class);

    /** Moves next from ARGV[1] to ARGV[2]; the step is no longer pending once next reaches its items' count. */
    private static final RedisScript<Long> ADVANCE = LuaScripts.load(SCRIPTS + "advance.lua", Long.class);

    private static final List<String> FIELDS = List.of("reqId", "next", "parts", "images");

    private final ReactiveStringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;

    AfterFinishProgress(ReactiveStringRedisTemplate redis, String prefix, Duration ttl) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
    }

    /** Where a claimed step stands. */
    record Position(String reqId, int next, int parts, int images) {
        int total() {
            return parts + images;
        }
    }

    /** True when {@code reqId} claimed the stream's step now; false when it was claimed before. */
    Mono<Boolean> claim(String botId, String streamId, String reqId, int parts, int images) {
        return redis.execute(CLAIM, List.of(stepKey(streamId), pendingKey(botId)),
                        List.of(reqId, String.valueOf(parts), String.valueOf(images), String.valueOf(ttl.toMillis()), streamId))
                .next().map(result -> result == 1L);
    }

    /** Item {@code from} is settled and the step goes on at {@code to}; false when someone else moved it meanwhile. */
    Mono<Boolean> advance(String botId, String streamId, int from, int to) {
        return redis.execute(ADVANCE, List.of(stepKey(streamId), pendingKey(botId)),
                        List.of(String.valueOf(from), String.valueOf(to), String.valueOf(ttl.toMillis()), streamId))
                .next().map(result -> result == 1L);
    }

    /** The bot's steps not settled yet, by stream id. */
    Flux<String> pending(String botId) {
        return redis.<String, String>opsForHash().keys(pendingKey(botId));
    }

    /** Where the stream's step stands; empty when its claim expired (or was never taken). */
    Mono<Position> position(String streamId) {
        return redis.<String, String>opsForHash().multiGet(stepKey(streamId), FIELDS)
                .filter(values -> values.stream().allMatch(value -> value != null))
                .flatMap(values -> {
                    try {
                        return Mono.just(new Position(values.get(0), Integer.parseInt(values.get(1)),
                                Integer.parseInt(values.get(2)), Integer.parseInt(values.get(3))));
                    } catch (NumberFormatException e) {
                        return Mono.empty();
                    }
                });
    }

    /** The bot no longer lists the stream's step (its claim is gone, or nothing of it can be sent any more). */
    Mono<Void> forget(String botId, String streamId) {
        return redis.opsForHash().remove(pendingKey(botId), streamId).then();
    }

    private String stepKey(String streamId) {
        return prefix + "after:" + streamId;
    }

    private String pendingKey(String botId) {
        return prefix + "after-pending:" + botId;
    }
}
