package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where a bot's worker gets the asking WeCom user's token, and how it hands it to Dify: the company's auth
 * service is asked {@code POST url} with {@code {"bot_id","user_id"}} and answers {@code {"token","expires_in"}}
 * (the llm-worker README has the whole contract). At least one of {@code input} and {@code header} is set.
 *
 * @param url    the auth service's endpoint; its host must also be on the worker's identity allow-list
 * @param apiKey sent as {@code Authorization: Bearer} to the auth service, or null for none
 * @param input  the Dify input variable that carries the token, or null
 * @param header the HTTP header of the Dify request that carries the token, or null
 * @param ttl    the longest time a token is cached (shorter when the service says it expires sooner)
 */
public record IdentitySource(URI url, @Nullable Secret apiKey, @Nullable String input, @Nullable String header,
                             Duration ttl) {

    public IdentitySource {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(ttl, "ttl");
        if (input == null && header == null) {
            throw new IllegalArgumentException("input or header is required");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
    }
}
