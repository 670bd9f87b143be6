package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.Causes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * The announcements {@code finish.lua} publishes on the channel named like each outbox, through one pattern
 * subscription per instance (one pub/sub connection, whatever the number of bots). Every time Redis confirms the
 * subscription there is a signal for every bot, to catch up on jobs queued while no one listened: when it is made,
 * and each time the Redis client makes it again by itself on a new connection (Lettuce reconnects a dropped
 * connection and subscribes again without the flux seeing anything). A subscription that fails or ends is renewed
 * after a pause growing from {@code retryBackoff} to a minute.
 */
public final class RedisOutboxSignals implements OutboxSignals {

    private static final Logger log = LoggerFactory.getLogger(RedisOutboxSignals.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;
    private final Duration retryBackoff;
    private final Counter received;
    private final Counter subscribed;
    private final Counter resubscribed;

    public RedisOutboxSignals(ReactiveStringRedisTemplate redis, OutboxKeys keys, Duration retryBackoff,
                              MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.retryBackoff = retryBackoff;
        this.received = Counter.builder("relay.responder.outbox.signals")
                .description("announcements of queued delivery jobs received (each wakes a bot's delivery worker)")
                .register(meters);
        this.subscribed = subscriptions(meters, "responder");
        this.resubscribed = subscriptions(meters, "client");
    }

    private static Counter subscriptions(MeterRegistry meters, String by) {
        return Counter.builder("relay.responder.outbox.signal.subscriptions").tag("by", by)
                .description("times the subscription to the announcements of queued jobs was (re)established: by the "
                        + "responder (at start, after an error) or by the Redis client itself after reconnecting")
                .register(meters);
    }

    @Override
    public Flux<Signal> signals() {
        return subscription()
                .concatWith(Mono.error(() -> new IllegalStateException("the subscription ended")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, retryBackoff).maxBackoff(MAX_BACKOFF).transientErrors(true)
                        .doBeforeRetry(retry -> log.warn("not listening for queued delivery jobs cause={}; "
                                + "polling every poll-interval meanwhile", Causes.describe(retry.failure()))));
    }

    /**
     * One subscription, on a pub/sub connection of its own that is closed when the subscription ends. Its signals go
     * through one sink: the client's I/O threads emit both the confirmations and the announcements, and the sink
     * queues what one thread emits while another is emitting instead of making it wait.
     */
    private Flux<Signal> subscription() {
        return Flux.create(sink -> {
            var container = new ReactiveRedisMessageListenerContainer(redis.getConnectionFactory());
            Disposable jobs = container.receive(List.of(PatternTopic.of(keys.outboxChannels())), new Confirmations(sink))
                    .map(message -> keys.botOfOutbox(message.getChannel()))
                    .filter(Objects::nonNull)
                    .subscribe(botId -> {
                        received.increment();
                        sink.next(Signal.newJob(botId));
                    }, sink::error, sink::complete);
            sink.onDispose(() -> {
                jobs.dispose();
                container.destroyLater().subscribe(closed -> { },
                        e -> log.debug("cannot close the subscription's connection cause={}", e.toString()));
            });
        });
    }

    /**
     * Redis's confirmations of the pattern subscription, on the connection's I/O thread: the first answers the
     * responder's {@code PSUBSCRIBE}, each later one the {@code PSUBSCRIBE} the client sent again by itself on a new
     * connection. Each is a signal for every bot: what was announced while the connection was down reached no one.
     */
    private final class Confirmations implements SubscriptionListener {

        private final FluxSink<Signal> sink;
        private final AtomicBoolean confirmed = new AtomicBoolean();

        Confirmations(FluxSink<Signal> sink) {
            this.sink = sink;
        }

        @Override
        public void onPatternSubscribed(byte[] pattern, long count) {
            if (confirmed.compareAndSet(false, true)) {
                subscribed.increment();
                log.info("listening for queued delivery jobs pattern={}", keys.outboxChannels());
            } else {
                resubscribed.increment();
                log.info("listening for queued delivery jobs again after the Redis client reconnected pattern={}; "
                        + "waking every bot's worker", keys.outboxChannels());
            }
            sink.next(Signal.everyBot());
        }
    }
}
