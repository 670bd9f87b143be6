package io.wecomrelay.responder.outbox;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

/**
 * The announcements {@code finish.lua} publishes when it queues a job, on the channel named like the bot's outbox:
 * one pattern subscription per instance, whatever the number of bots. While Redis is unreachable the subscription
 * is tried again with a backoff; the polls find what was queued meanwhile.
 */
public final class RedisOutboxSignals implements OutboxSignals {

    private static final Logger log = LoggerFactory.getLogger(RedisOutboxSignals.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofSeconds(10);

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;
    private final Counter received;

    public RedisOutboxSignals(ReactiveStringRedisTemplate redis, OutboxKeys keys, MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.received = Counter.builder("relay.responder.outbox.signals")
                .description("Announcements of queued delivery jobs received (each lets the bot's worker poll at once)")
                .register(meters);
    }

    @Override
    public Flux<String> botsWithNewJobs() {
        return Flux.defer(() -> redis.listenToPattern(keys.outboxChannels()))
                .doOnNext(message -> received.increment())
                .mapNotNull(message -> keys.botOfOutbox(message.getChannel()).orElse(null))
                .doOnError(e -> log.warn("outbox signals interrupted cause={}; subscribing again, polls cover the gap",
                        e.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY).maxBackoff(LAST_RETRY))
                // a subscription that ends without an error (the connection closed) is renewed the same way
                .repeatWhen(ends -> ends.delayElements(FIRST_RETRY));
    }
}
