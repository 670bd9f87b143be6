package io.wecomrelay.responder.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.bot.BotConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One access token per app, shared by every responder instance through Redis:
 * {@code {prefix}{botId}:{fingerprint}} holds the token with a TTL of WeCom's {@code expires_in} less
 * {@link Settings#refreshMargin()}, so it is renewed before WeCom lets it expire. The fingerprint is a hash of
 * CorpID, AgentId and Secret: a bots-file change of any of them uses a new token, and one app's token is never
 * another's. Renewal is single-flight across instances: only the holder of {@code {key}:lock} (SET NX with a TTL)
 * calls {@code gettoken}; the others read the key again until it is there (WeCom throttles frequent gettoken
 * calls). {@link #invalidate} drops a token WeCom refused (40014, 42001, 40001), only if it is still the stored one,
 * so that instances refused with the same old token cause one renewal, not one each.
 */
public final class AccessTokens {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
    private static final RedisScript<Long> DELETE_IF_EQUAL = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", Long.class);

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

    private final ReactiveStringRedisTemplate redis;
    private final TokenApi api;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final MeterRegistry meters;
    private final Settings settings;

    public AccessTokens(ReactiveStringRedisTemplate redis, TokenApi api, Clock clock, Supplier<UUID> ids,
                        MeterRegistry meters, Settings settings) {
        this.redis = redis;
        this.api = api;
        this.clock = clock;
        this.ids = ids;
        this.meters = meters;
        this.settings = settings;
    }

    /** The app's current token: the shared one, or a new one fetched by exactly one instance. */
    public Mono<String> token(BotConfig bot) {
        String key = key(bot);
        Instant deadline = clock.instant().plus(settings.waitTimeout());
        return stored(key).switchIfEmpty(Mono.defer(() -> renewOrWait(bot, key, deadline)));
    }

    /** Forgets {@code refused} if it is still the app's stored token; the next {@link #token} renews it. */
    public Mono<Void> invalidate(BotConfig bot, String refused) {
        return redis.execute(DELETE_IF_EQUAL, List.of(key(bot)), List.of(refused)).next()
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        meters.counter("relay.responder.app.tokens", "bot", bot.id(), "event", "invalidated").increment();
                        log.info("access token refused by WeCom, renewing bot={}", bot.id());
                    }
                })
                .then();
    }

    private Mono<String> stored(String key) {
        return redis.opsForValue().get(key);
    }

    private Mono<String> renewOrWait(BotConfig bot, String key, Instant deadline) {
        String lock = key + ":lock";
        String owner = ids.get().toString();
        return redis.opsForValue().setIfAbsent(lock, owner, settings.lockTtl())
                .flatMap(won -> won ? renew(bot, key, lock, owner) : waitForRenewal(bot, key, deadline));
    }

    private Mono<String> waitForRenewal(BotConfig bot, String key, Instant deadline) {
        if (clock.instant().isAfter(deadline)) {
            return Mono.error(new AccessTokenException(null, true, "waited " + settings.waitTimeout()
                    + " for another instance's token renewal"));
        }
        return Mono.delay(settings.pollInterval())
                .then(stored(key))
                .switchIfEmpty(Mono.defer(() -> renewOrWait(bot, key, deadline)));
    }

    /** Holding the lock: the token may have been stored meanwhile by the previous holder. */
    private Mono<String> renew(BotConfig bot, String key, String lock, String owner) {
        AppSettings app = bot.app();
        return stored(key)
                .switchIfEmpty(Mono.defer(() -> api.fetch(app).flatMap(issued -> store(bot, key, issued))))
                .flatMap(token -> release(lock, owner).thenReturn(token))
                .onErrorResume(e -> release(lock, owner).then(Mono.error(e)));
    }

    private Mono<String> store(BotConfig bot, String key, IssuedToken issued) {
        Duration ttl = issued.expiresIn().minus(settings.refreshMargin());
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            ttl = Duration.ofSeconds(1); // WeCom said it lives less than the margin: use it at once, briefly
        }
        meters.counter("relay.responder.app.tokens", "bot", bot.id(), "event", "fetched").increment();
        log.info("access token fetched bot={} expiresIn={} usedFor={}", bot.id(), issued.expiresIn(), ttl);
        return redis.opsForValue().set(key, issued.token(), ttl).thenReturn(issued.token());
    }

    private Mono<Void> release(String lock, String owner) {
        return redis.execute(DELETE_IF_EQUAL, List.of(lock), List.of(owner)).then();
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
