package io.wecomrelay.responder.outbox;

import java.time.Clock;
import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * This instance's view of one bot's delivery lease. The lease key in Redis expires {@code ttl} after
 * the holder last renewed it; locally the lease counts as held until {@code ttl} after the renewal was
 * <em>sent</em>, so the local view never outlasts the key (clocks run at the same rate, we assume).
 * A send starts only while the lease is held locally for longer than the send can take, so that no
 * send of an old holder is still in flight when a new holder may take over.
 */
final class BotLease {

    private final RedisOutbox outbox;
    private final String botId;
    private final String consumer;
    private final Duration ttl;
    private final Clock clock;
    private volatile long validUntil;

    BotLease(RedisOutbox outbox, String botId, String consumer, Duration ttl, Clock clock) {
        this.outbox = outbox;
        this.botId = botId;
        this.consumer = consumer;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Takes or renews the lease; emits whether this instance holds it now. */
    Mono<Boolean> refresh() {
        return Mono.defer(() -> {
            long sent = clock.millis();
            return outbox.lease(botId, consumer, ttl).doOnNext(held -> validUntil = held ? sent + ttl.toMillis() : 0);
        });
    }

    /** True while the lease is held for more than {@code margin} from now. */
    boolean heldFor(Duration margin) {
        return validUntil - clock.millis() > margin.toMillis();
    }

    /** Forgets the lease at once (the poll found another holder, or a renewal failed). */
    void lost() {
        validUntil = 0;
    }
}
