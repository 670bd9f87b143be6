package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How the delivery workers of one responder instance behave.
 *
 * @param consumer      this instance's consumer name in the group and its lease holder id; unique per process
 * @param leaseTtl      lifetime of a bot's lease after its last renewal; renewed every third of it. At least
 *                      twice {@code sendTimeout}, so that a holder's last send ends before the lease can pass on
 * @param claimMinIdle  a job pending this long on another consumer is claimed by the lease holder
 * @param pollInterval  pause between polls of an outbox that had nothing to do (or that others still block),
 *                      unless {@link OutboxWorker#wake} ends it
 * @param batch         jobs read per poll
 * @param errorBackoff  pause after a poll or a job failed without an outcome (Redis or broker unreachable)
 * @param sendTimeout   the longest one send to WeCom can take (the HTTP request timeout)
 * @param inDoubtGrace  how long a part another run left between sent and recorded must stay so before this
 *                      instance acts on it ({@link InDoubtParts})
 * @param shutdownGrace how long stopping waits for the jobs in progress
 */
public record OutboxSettings(String consumer, Duration leaseTtl, Duration claimMinIdle, Duration pollInterval,
                             int batch, Duration errorBackoff, Duration sendTimeout, Duration inDoubtGrace,
                             Duration shutdownGrace) {

    public OutboxSettings {
        Objects.requireNonNull(consumer, "consumer");
        if (leaseTtl.compareTo(sendTimeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the outbox lease-ttl (" + leaseTtl
                    + ") must be at least twice the delivery request-timeout (" + sendTimeout + ")");
        }
        if (inDoubtGrace.compareTo(Duration.ZERO) <= 0) {
            throw new IllegalArgumentException("in-doubt-grace must be positive");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive");
        }
    }

    /**
     * A consumer name unique per process: a restarted instance is a new consumer, whose lease polls claim its
     * predecessor's pending jobs. The host comes first, so the lease shows which instance delivers a bot.
     */
    public static String uniqueConsumer(String host, UUID id) {
        return host + "-" + id.toString().substring(0, 8);
    }

    Duration renewInterval() {
        return leaseTtl.dividedBy(3);
    }
}
