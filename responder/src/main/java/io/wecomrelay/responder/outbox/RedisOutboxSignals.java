package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.Causes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The announcements {@code finish.lua} publishes on the channel named like each outbox, through one pattern
 * subscription per instance (one pub/sub connection, whatever the number of bots). A subscription that fails or
 * ends is renewed after a pause growing from {@code retryBackoff} to a minute; each renewal starts with a signal
 * for every bot, to catch up on jobs queued while no one listened.
 */
public final class RedisOutboxSignals implements OutboxSignals {

    private static final Logger log = LoggerFactory.getLogger(RedisOutboxSignals.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;
    private final Duration retryBackoff;
    private final Counter received;
    private final Counter subscriptions;

    public RedisOutboxSignals(ReactiveStringRedisTemplate redis, OutboxKeys keys, Duration retryBackoff,
                              MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.retryBackoff = retryBackoff;
        this.received = Counter.builder("relay.responder.outbox.signals")
                .description("announcements of queued delivery jobs received (each wakes a bot's delivery worker)")
                .register(meters);
        this.subscriptions = Counter.builder("relay.responder.outbox.signal.subscriptions")
                .description("times the subscription to the announcements of queued jobs was (re)established")
                .register(meters);
    }

    @Override
    public Flux<Signal> signals() {
        return redis.listenToPatternLater(keys.outboxChannels())
                .flatMapMany(messages -> {
                    subscriptions.increment();
                    log.info("listening for queued delivery jobs pattern={}", keys.outboxChannels());
                    return messages.map(message -> keys.botOfOutbox(message.getChannel()))
                            .filter(Objects::nonNull)
                            .doOnNext(botId -> received.increment())
                            .map(Signal::newJob)
                            .startWith(Signal.everyBot());
                })
                .concatWith(Mono.error(() -> new IllegalStateException("the subscription ended")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, retryBackoff).maxBackoff(MAX_BACKOFF).transientErrors(true)
                        .doBeforeRetry(retry -> log.warn("not listening for queued delivery jobs cause={}; "
                                + "polling every poll-interval meanwhile", Causes.describe(retry.failure()))));
    }
}
