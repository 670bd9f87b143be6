package io.wecomrelay.ingress.refresh;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Opens ingress's shared Redis connection in the background and lets Redis calls through only once it is open.
 * <p>
 * Spring Data opens the shared connection on its first use and blocks the calling thread until it is open or the
 * connect timeout passed. Called from a request, that thread is a Netty event loop, which would stall every
 * connection it serves (and BlockHound fails {@code NoBlockingTest} on it). So no request touches the connection
 * factory before this has opened the connection, on a bounded-elastic thread, trying again with a capped backoff
 * until Redis answers: ingress starts, and answers, while Redis is down. Once the connection is open Lettuce keeps
 * it, reconnecting by itself in the background after Redis went away; commands sent meanwhile fail after their
 * timeout, which every caller bounds.
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final ReactiveRedisConnectionFactory factory;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Sinks.Empty<Void> opened = Sinks.empty();
    private volatile boolean open;
    private volatile @Nullable Disposable connecting;

    /**
     * @param firstRetry wait before the second try to open the connection; it doubles up to {@code maxRetry}
     */
    public RedisLink(ReactiveRedisConnectionFactory factory, Duration firstRetry, Duration maxRetry) {
        this.factory = factory;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /** Starts opening the connection (once the factory is started); completes when it is open. Call it once. */
    Mono<Void> open() {
        var tries = new AtomicLong();
        connecting = Mono.fromRunnable(this::connect)
                .subscribeOn(Schedulers.boundedElastic())
                .doOnError(e -> {
                    if (tries.incrementAndGet() == 1) {
                        log.warn("Redis not reachable ({}); messages that open a stream get 503 until it is, trying again "
                                + "in the background", e.getClass().getSimpleName());
                    }
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, firstRetry).maxBackoff(maxRetry))
                .subscribe(null, e -> log.error("giving up on Redis cause={}", e.toString()), () -> {
                    open = true;
                    opened.tryEmitEmpty();
                    log.info("Redis connection open{}", tries.get() == 0 ? "" : " after " + (tries.get() + 1) + " tries");
                });
        return opened.asMono();
    }

    /**
     * Starts opening the connection and waits up to {@code patience} for it, so that the first callbacks of a normal
     * start find it open. Redis being down at start is not fatal: ingress starts, callbacks that open a stream get
     * 503 (WeCom retries), refreshes answer without Redis, and the connection opens as soon as Redis answers.
     */
    public void openAtStart(Duration patience) {
        try {
            open().block(patience);
        } catch (IllegalStateException e) {
            log.warn("Redis not reachable at start; starting without it");
        }
    }

    /** Stops trying to open the connection (when ingress stops before Redis answered). */
    @Override
    public void close() {
        Disposable running = connecting;
        if (running != null) {
            running.dispose();
        }
    }

    /** Whether the shared connection has been opened (it may be reconnecting now). */
    boolean isOpen() {
        return open;
    }

    /** The Redis call {@code call} makes, or at once a {@link RedisConnectionFailureException} while not open yet. */
    <T> Mono<T> whenOpen(Supplier<Mono<T>> call) {
        return Mono.defer(() -> open ? call.get()
                : Mono.error(new RedisConnectionFailureException("Redis connection not open yet")));
    }

    /** Opens the shared connection, blocking this (bounded-elastic) thread; closing the handle keeps it open. */
    private void connect() {
        factory.getReactiveConnection().close();
    }
}
