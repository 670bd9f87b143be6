package io.wecomrelay.support.apptoken;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Where {@link AccessTokens} keeps tokens and renewal locks: a store every instance of every service sees, with
 * expiring keys and an atomic set-if-absent and compare-and-delete. {@link RedisTemplateTokenStore} is the one the
 * services use.
 */
public interface TokenStore {

    /** The value at {@code key}, or empty when there is none. */
    Mono<String> get(String key);

    /** Sets {@code key} only if it has no value; true when it was set. */
    Mono<Boolean> setIfAbsent(String key, String value, Duration ttl);

    Mono<Void> set(String key, String value, Duration ttl);

    /** Deletes {@code key} only if it still holds {@code value}; true when it was deleted. */
    Mono<Boolean> deleteIfEqual(String key, String value);
}
