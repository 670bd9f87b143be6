package io.wecomrelay.llm.identity;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.redis.LuaScripts;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Tokens in Redis, one per (bot, user), and the lock that lets one lookup at a time ask the auth service for a user:
 * {@code llm:identity:<bot length>:<bot>:<user>} → token (TTL: the token's), and
 * {@code llm:identity-lock:<bot length>:<bot>:<user>} → the holder's id (TTL: {@code lockTtl}, so a worker that dies
 * holding it blocks nobody for longer). The bot id's length makes keys unambiguous whatever the ids contain, so one
 * bot's users never read another bot's tokens.
 */
public final class TokenCache {

    static final String TOKEN_PREFIX = "llm:identity:";
    static final String LOCK_PREFIX = "llm:identity-lock:";
    /** Deletes the lock only while it is still ours: after its TTL another lookup may hold it. */
    private static final RedisScript<Long> UNLOCK = LuaScripts.DELETE_IF_EQUAL;

    private final ReactiveStringRedisTemplate redis;
    private final Duration lockTtl;
    private final WheelBound timeout;

    /**
     * @param lockTtl how long a lock lives unless released: longer than one whole lookup
     * @param timeout longest wait for one Redis call (on Lettuce's timer wheel)
     */
    public TokenCache(ReactiveStringRedisTemplate redis, Duration lockTtl, WheelBound timeout) {
        this.redis = redis;
        this.lockTtl = lockTtl;
        this.timeout = timeout;
    }

    static String suffix(String botId, String userId) {
        return botId.length() + ":" + botId + ":" + userId;
    }

    /** The cached token, or empty. */
    Mono<String> get(String botId, String userId) {
        return redis.opsForValue().get(TOKEN_PREFIX + suffix(botId, userId)).as(timeout::on);
    }

    Mono<Void> put(String botId, String userId, String token, Duration ttl) {
        return redis.opsForValue().set(TOKEN_PREFIX + suffix(botId, userId), token, ttl).as(timeout::on).then();
    }

    /** Forgets the user's token: the service refused the user, so the old token must not be sent again. */
    Mono<Void> forget(String botId, String userId) {
        return redis.delete(TOKEN_PREFIX + suffix(botId, userId)).as(timeout::on).then();
    }

    /** Takes the user's lookup lock for {@code owner}; true when taken. */
    Mono<Boolean> lock(String botId, String userId, String owner) {
        return redis.opsForValue().setIfAbsent(LOCK_PREFIX + suffix(botId, userId), owner, lockTtl)
                .as(timeout::on).defaultIfEmpty(false);
    }

    Mono<Void> unlock(String botId, String userId, String owner) {
        return redis.execute(UNLOCK, List.of(LOCK_PREFIX + suffix(botId, userId)), List.of(owner))
                .next().as(timeout::on).then();
    }
}
