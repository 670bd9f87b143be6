package io.wecomrelay.llm.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.wecomrelay.schemas.bot.IdentitySource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The asker's token for a reply: from Redis when cached, otherwise from the auth service, and again from the
 * service (once) when Dify turned the token down. One lookup at a time per (bot, user), across all workers:
 * lookups of one user in this worker share one call (in-process single flight), and workers take the user's Redis
 * lock before asking ({@link TokenCache}); a worker that finds the lock taken waits for the holder's token to
 * appear in the cache (polling every {@code pollInterval}, at most {@code lockWait}, then the lock's TTL has freed it
 * or the service counts as unavailable). A granted token is cached for the shorter of the bot's {@code ttl} and the
 * service's {@code expires_in}; a refusal is not cached (a user granted later gets in at once) and removes the old
 * token. Redis failures are not handled here: they fail the reply before Dify is called, and it is redone.
 */
public final class IdentityTokens {

    private static final Logger log = LoggerFactory.getLogger(IdentityTokens.class);

    /**
     * @param lockWait     longest wait for another lookup of the same user
     * @param pollInterval how often a waiting lookup looks for the other's token
     */
    public record Settings(Duration lockWait, Duration pollInterval) {
    }

    /** An answer and whether the service was asked for it (else it came from the cache). */
    private record Lookup(IdentityAnswer answer, boolean asked) {
    }

    private static final class Busy extends RuntimeException {
        Busy() {
            super("lookup lock held", null, false, false);
        }
    }

    private final AuthServiceClient service;
    private final TokenCache cache;
    private final Settings settings;
    private final IdentityMetrics metrics;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final ConcurrentHashMap<String, Mono<Lookup>> inFlight = new ConcurrentHashMap<>();

    public IdentityTokens(AuthServiceClient service, TokenCache cache, Settings settings, IdentityMetrics metrics,
                          Clock clock, Supplier<UUID> ids) {
        this.service = service;
        this.cache = cache;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.ids = ids;
    }

    /** The user's token (cached or asked for), or the service's refusal; fails with {@link IdentityUnavailableException}. */
    public Mono<IdentityAnswer> token(IdentitySource source, String botId, String userId) {
        return cache.get(botId, userId)
                .map(token -> new Lookup(new IdentityAnswer.Token(token, null), false))
                .switchIfEmpty(Mono.defer(() -> shared("get", source, botId, userId, null)))
                .transform(lookup -> counted(lookup, botId, IdentityMetrics.FETCHED));
    }

    /** A token other than {@code stale}, which Dify turned down: another lookup's newer one, or a new one. */
    public Mono<IdentityAnswer> refresh(IdentitySource source, String botId, String userId, String stale) {
        return shared("refresh", source, botId, userId, stale)
                .transform(lookup -> counted(lookup, botId, IdentityMetrics.REFRESHED));
    }

    private Mono<IdentityAnswer> counted(Mono<Lookup> lookup, String botId, String askedOutcome) {
        return lookup
                .doOnNext(found -> metrics.token(botId, found.answer() instanceof IdentityAnswer.Refused
                        ? IdentityMetrics.REFUSED : found.asked() ? askedOutcome : IdentityMetrics.CACHED))
                .doOnError(IdentityUnavailableException.class, e -> metrics.token(botId, IdentityMetrics.UNAVAILABLE))
                .map(Lookup::answer);
    }

    /** Lookups of one user in this worker share one call. */
    private Mono<Lookup> shared(String kind, IdentitySource source, String botId, String userId, @Nullable String stale) {
        String key = kind + ":" + TokenCache.suffix(botId, userId);
        return Mono.defer(() -> inFlight.computeIfAbsent(key, k -> lookUp(source, botId, userId, stale)
                .doFinally(signal -> inFlight.remove(k))
                .cache()));
    }

    private Mono<Lookup> lookUp(IdentitySource source, String botId, String userId, @Nullable String stale) {
        String owner = ids.get().toString();
        long polls = Math.max(1, settings.lockWait().toMillis() / Math.max(1, settings.pollInterval().toMillis()));
        return Mono.defer(() -> cache.lock(botId, userId, owner))
                .flatMap(taken -> taken
                        ? Mono.usingWhen(Mono.just(owner), held -> underLock(source, botId, userId, stale),
                                held -> cache.unlock(botId, userId, owner).onErrorResume(e -> Mono.empty()))
                        : usable(botId, userId, stale).switchIfEmpty(Mono.error(Busy::new)))
                .retryWhen(Retry.fixedDelay(polls, settings.pollInterval()).filter(Busy.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> new IdentityUnavailableException("lookup_busy")));
    }

    private Mono<Lookup> underLock(IdentitySource source, String botId, String userId, @Nullable String stale) {
        return usable(botId, userId, stale).switchIfEmpty(Mono.defer(() -> ask(source, botId, userId)));
    }

    /** The cached token unless it is the one Dify turned down. */
    private Mono<Lookup> usable(String botId, String userId, @Nullable String stale) {
        return cache.get(botId, userId)
                .filter(token -> !token.equals(stale))
                .map(token -> new Lookup(new IdentityAnswer.Token(token, null), false));
    }

    private Mono<Lookup> ask(IdentitySource source, String botId, String userId) {
        long started = clock.millis();
        return service.ask(source, botId, userId)
                .doOnError(IdentityUnavailableException.class, e -> {
                    log.warn("auth service unavailable botId={} userId={} reason={}", botId, userId, e.reason());
                    metrics.lookup(botId, IdentityMetrics.UNAVAILABLE, elapsed(started));
                })
                .flatMap(answer -> {
                    if (answer instanceof IdentityAnswer.Token token) {
                        metrics.lookup(botId, "ok", elapsed(started));
                        return store(botId, userId, token, ttl(source, token)).thenReturn(new Lookup(answer, true));
                    }
                    metrics.lookup(botId, IdentityMetrics.REFUSED, elapsed(started));
                    log.info("auth service refused botId={} userId={} reason={}", botId, userId,
                            ((IdentityAnswer.Refused) answer).reason());
                    return cache.forget(botId, userId).thenReturn(new Lookup(answer, true));
                });
    }

    /** Best effort: the reply has its token, and the next one asks again. */
    private Mono<Void> store(String botId, String userId, IdentityAnswer.Token token, Duration ttl) {
        return cache.put(botId, userId, token.value(), ttl).onErrorResume(e -> {
            log.warn("cannot cache token botId={} userId={} cause={}", botId, userId, e.getClass().getSimpleName());
            return Mono.empty();
        });
    }

    private static Duration ttl(IdentitySource source, IdentityAnswer.Token token) {
        Duration expiresIn = token.expiresIn();
        return expiresIn != null && expiresIn.compareTo(source.ttl()) < 0 ? expiresIn : source.ttl();
    }

    private Duration elapsed(long started) {
        return Duration.ofMillis(Math.max(0, clock.millis() - started));
    }
}
