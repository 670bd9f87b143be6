package io.wecomrelay.support.apptoken;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** {@link TokenStore} on the service's Redis; the compare-and-delete is one Lua script, so it is atomic. */
public final class RedisTemplateTokenStore implements TokenStore {

    private static final RedisScript<Long> DELETE_IF_EQUAL = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", Long.class);

    private final ReactiveStringRedisTemplate redis;

    public RedisTemplateTokenStore(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    @Override
    public Mono<String> get(String key) {
        return redis.opsForValue().get(key);
    }

    @Override
    public Mono<Boolean> setIfAbsent(String key, String value, Duration ttl) {
        return redis.opsForValue().setIfAbsent(key, value, ttl);
    }

    @Override
    public Mono<Void> set(String key, String value, Duration ttl) {
        return redis.opsForValue().set(key, value, ttl).then();
    }

    @Override
    public Mono<Boolean> deleteIfEqual(String key, String value) {
        return redis.execute(DELETE_IF_EQUAL, List.of(key), List.of(value)).next().map(deleted -> deleted > 0)
                .defaultIfEmpty(false);
    }
}
