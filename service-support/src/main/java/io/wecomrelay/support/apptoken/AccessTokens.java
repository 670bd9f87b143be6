package io.wecomrelay.support.apptoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.bot.BotConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One access token per app, shared by every instance of every service that calls WeCom's API for apps (the
 * responder's {@code message/send}, the llm-worker's {@code media/get}) through the {@link TokenStore}:
 * {@code {prefix}{botId}:{fingerprint}} holds the token with a TTL of WeCom's {@code expires_in} less
 * {@link Settings#refreshMargin()}, so it is renewed before WeCom lets it expire. The services share a token only
 * when they are configured with the same key prefix. The fingerprint is a hash of CorpID, AgentId and Secret: a
 * bots-file change of any of them uses a new token, and one app's token is never another's. Renewal is single-flight
 * across instances: only the holder of {@code {key}:lock} (set if absent, with a TTL) calls {@code gettoken}; the
 * others read the key again until it is there (WeCom throttles frequent gettoken calls). {@link #invalidate} drops a
 * token WeCom refused (40014, 42001, 40001), only if it is still the stored one, so that instances refused with the
 * same old token cause one renewal, not one each.
 */
public final class AccessTokens {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
    /** 40014 invalid access_token, 42001 access_token expired, 40001 invalid credential (WxJava and wechatpy renew on it too). */
    private static final Set<Integer> TOKEN_REFUSED = Set.of(40014, 42001, 40001);

    /**
     * @param keyPrefix     e.g. {@code responder:app-token:}
     * @param refreshMargin how long before WeCom's expiry a token is no longer used
     * @param lockTtl       longest a renewal may hold the lock (a crashed holder's lock expires after it)
     * @param waitTimeout   longest a caller waits for another instance's renewal
     * @param pollInterval  how often a waiting caller looks again
     */
    public record Settings(String keyPrefix, Duration refreshMargin, Duration lockTtl, Duration waitTimeout,
                           Duration pollInterval) {
    }

    private final TokenStore store;
    private final TokenApi api;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final TokenMetrics metrics;
    private final Settings settings;

    public AccessTokens(TokenStore store, TokenApi api, Clock clock, Supplier<UUID> ids, TokenMetrics metrics,
                        Settings settings) {
        this.store = store;
        this.api = api;
        this.clock = clock;
        this.ids = ids;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** True for the errcodes with which WeCom refuses an access token (40014, 42001, 40001). */
    public static boolean refusesToken(@Nullable Integer errcode) {
        return errcode != null && TOKEN_REFUSED.contains(errcode);
    }

    /** The app's current token: the shared one, or a new one fetched by exactly one instance. */
    public Mono<String> token(BotConfig bot) {
        String key = key(bot);
        Instant deadline = clock.instant().plus(settings.waitTimeout());
        return store.get(key).switchIfEmpty(Mono.defer(() -> renewOrWait(bot, key, deadline)));
    }

    /**
     * Calls WeCom with the app's token. When {@code refused} says WeCom refused that token, the token is
     * {@linkplain #invalidate dropped} and {@code call} runs once more with a renewed one; its outcome stands. Fails
     * with {@link AccessTokenException} when no token can be had.
     *
     * @param call    one request with the given token
     * @param refused whether an outcome of {@code call} is WeCom refusing the token (see {@link #refusesToken})
     */
    public <T> Mono<T> withToken(BotConfig bot, Function<String, Mono<T>> call, Predicate<? super T> refused) {
        return token(bot).flatMap(token -> call.apply(token).flatMap(outcome -> refused.test(outcome)
                ? invalidate(bot, token).then(Mono.defer(() -> token(bot).flatMap(call)))
                : Mono.just(outcome)));
    }

    /** Forgets {@code refused} if it is still the app's stored token; the next {@link #token} renews it. */
    public Mono<Void> invalidate(BotConfig bot, String refused) {
        return store.deleteIfEqual(key(bot), refused)
                .doOnNext(deleted -> {
                    if (deleted) {
                        metrics.invalidated(bot.id());
                        log.info("access token refused by WeCom, renewing bot={}", bot.id());
                    }
                })
                .then();
    }

    private Mono<String> renewOrWait(BotConfig bot, String key, Instant deadline) {
        String lock = key + ":lock";
        String owner = ids.get().toString();
        return store.setIfAbsent(lock, owner, settings.lockTtl())
                .flatMap(won -> won ? renew(bot, key, lock, owner) : waitForRenewal(bot, key, deadline));
    }

    private Mono<String> waitForRenewal(BotConfig bot, String key, Instant deadline) {
        if (clock.instant().isAfter(deadline)) {
            return Mono.error(new AccessTokenException(null, true, "waited " + settings.waitTimeout()
                    + " for another instance's token renewal"));
        }
        return Mono.delay(settings.pollInterval())
                .then(store.get(key))
                .switchIfEmpty(Mono.defer(() -> renewOrWait(bot, key, deadline)));
    }

    /** Holding the lock: the token may have been stored meanwhile by the previous holder. */
    private Mono<String> renew(BotConfig bot, String key, String lock, String owner) {
        AppSettings app = bot.app();
        return store.get(key)
                .switchIfEmpty(Mono.defer(() -> api.fetch(app).flatMap(issued -> save(bot, key, issued))))
                .flatMap(token -> release(lock, owner).thenReturn(token))
                .onErrorResume(e -> release(lock, owner).then(Mono.error(e)));
    }

    private Mono<String> save(BotConfig bot, String key, IssuedToken issued) {
        Duration ttl = issued.expiresIn().minus(settings.refreshMargin());
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            ttl = Duration.ofSeconds(1); // WeCom said it lives less than the margin: use it at once, briefly
        }
        metrics.fetched(bot.id());
        log.info("access token fetched bot={} expiresIn={} usedFor={}", bot.id(), issued.expiresIn(), ttl);
        return store.set(key, issued.token(), ttl).thenReturn(issued.token());
    }

    private Mono<Void> release(String lock, String owner) {
        return store.deleteIfEqual(lock, owner).then();
    }

    private String key(BotConfig bot) {
        AppSettings app = bot.app();
        if (app == null) {
            throw new IllegalArgumentException("bot " + bot.id() + " is not a self-built app");
        }
        return settings.keyPrefix() + bot.id() + ":" + fingerprint(app);
    }

    private static String fingerprint(AppSettings app) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((app.corpId() + '\n' + app.agentId() + '\n'
                    + app.secret().reveal()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
