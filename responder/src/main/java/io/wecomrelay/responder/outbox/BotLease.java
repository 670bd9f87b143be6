package io.wecomrelay.responder.outbox;

import java.time.Clock;
import java.time.Duration;

/**
 * This instance's view of one bot's delivery lease, renewed with the others' ({@link OutboxDelivery}). The lease key
 * in Redis expires {@code ttl} after the holder last renewed it; locally the lease counts as held until {@code ttl}
 * after the renewal was <em>sent</em>, so the local view never outlasts the key (clocks run at the same rate, we assume).
 * A send starts only while the lease is held locally for longer than the send can take, so that no
 * send of an old holder is still in flight when a new holder may take over.
 */
final class BotLease {

    private final Duration ttl;
    private final Clock clock;
    private volatile long validUntil;

    BotLease(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Notes Redis's answer to a renewal sent at {@code sentAt} (epoch ms): held or not. Returns true when that took the
     * lease (it was not held before).
     */
    boolean renewed(boolean held, long sentAt) {
        boolean before = heldFor(Duration.ZERO);
        validUntil = held ? sentAt + ttl.toMillis() : 0;
        return held && !before;
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
