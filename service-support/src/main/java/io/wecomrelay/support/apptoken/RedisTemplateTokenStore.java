package io.wecomrelay.support.apptoken;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.support.redis.LuaScripts;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** {@link TokenStore} on the service's Redis; the compare-and-delete is one Lua script, so it is atomic. */
public final class RedisTemplateTokenStore implements TokenStore {

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
        return redis.execute(LuaScripts.DELETE_IF_EQUAL, List.of(key), List.of(value)).next().map(deleted -> deleted > 0)
                .defaultIfEmpty(false);
    }
}
