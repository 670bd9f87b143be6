package io.wecomrelay.responder.materialize;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.ReplyRecorded;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * Publishes the reply records that the responder which folded them did not: it died right after the fold, or the
 * broker refused them. Every instance sweeps every {@code interval}: it claims the records kept longer than
 * {@code after} and still not marked ({@link UnrecordedReplies}), a batch at a time until none is overdue, and
 * records each ({@link ReplyRecords#record}), which marks it. A record that fails again is claimable again
 * {@code after} later. So every kept record reaches {@code wecom.replies} while Redis keeps it
 * ({@code stream.reply-key-ttl}), whichever instances live; one whose key expired first is counted and logged lost.
 */
public final class ReplySweep implements SmartLifecycle {

    /**
     * Stops after the listener containers (phase {@code Integer.MAX_VALUE - 100}), whose last polls start
     * publishes, and waits for those; Redis's connection factory (phase 0) is still there for their marks.
     */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    /** Bounds one claim's script and one batch's sends. */
    static final int BATCH = 100;
    private static final int CONCURRENCY = 16;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(ReplySweep.class);

    /**
     * @param after    how long a kept record is left to the instance that folded it: longer than its producer may
     *                 go on retrying the send ({@code delivery.timeout.ms})
     * @param interval how often each instance sweeps
     */
    public record Settings(Duration after, Duration interval) {

        public Settings {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(interval, "interval");
            if (after.isNegative() || interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("the sweep's interval must be positive and its delay not negative");
            }
        }
    }

    private final UnrecordedReplies unrecorded;
    private final ReplyRecords records;
    private final Settings settings;
    private final AtomicLong waiting = new AtomicLong();
    private final Counter recorded;
    private final Counter failed;
    private final Counter marked;
    private final Counter lost;
    private @Nullable Disposable sweeps;

    public ReplySweep(UnrecordedReplies unrecorded, ReplyRecords records, Settings settings, MeterRegistry meters) {
        this.unrecorded = unrecorded;
        this.records = records;
        this.settings = settings;
        Gauge.builder("relay.responder.replies.waiting", waiting, AtomicLong::get)
                .description("Reply records kept in Redis and not yet marked published, at the last sweep").register(meters);
        this.recorded = sweptCounter(meters, "recorded");
        this.failed = sweptCounter(meters, "failed");
        this.marked = sweptCounter(meters, "marked");
        this.lost = sweptCounter(meters, "lost");
    }

    private static Counter sweptCounter(MeterRegistry meters, String outcome) {
        return Counter.builder("relay.responder.replies.swept").tag("outcome", outcome)
                .description("Overdue reply records the sweep claimed, by what became of them").register(meters);
    }

    /** Sweeps until nothing is overdue; never fails. Completes with the number of records claimed. */
    public Mono<Long> sweep() {
        return batch()
                .expand(claimed -> claimed == BATCH ? batch() : Mono.empty())
                .reduce(0L, Long::sum)
                .onErrorResume(e -> {
                    log.warn("cannot sweep the unrecorded replies cause={}", e.toString());
                    return Mono.just(0L);
                });
    }

    private Mono<Integer> batch() {
        return unrecorded.claim(settings.after(), BATCH).flatMap(claim -> {
            waiting.set(claim.waiting());
            if (!claim.keys().isEmpty()) {
                log.info("sweeping unrecorded replies claimed={} waiting={}", claim.keys().size(), claim.waiting());
            }
            return Flux.fromIterable(claim.keys())
                    .flatMap(this::recordKept, CONCURRENCY)
                    .then(Mono.just(claim.keys().size()));
        });
    }

    private Mono<Void> recordKept(String key) {
        return unrecorded.read(key)
                .flatMap(found -> switch (found.state()) {
                    case UNPUBLISHED -> record(Objects.requireNonNull(found.reply()));
                    case MARKED -> Mono.fromRunnable(marked::increment);
                    case EXPIRED -> Mono.fromRunnable(() -> {
                        lost.increment();
                        log.error("reply record lost: its key expired before it was published key={}", key);
                    });
                    case KEPT_AGAIN -> Mono.empty();
                })
                .onErrorResume(e -> {
                    failed.increment();
                    log.warn("cannot read an unrecorded reply key={} cause={}", key, e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> record(ReplyRecorded reply) {
        // ReplyRecords counts and logs a failure; the record is claimable again after the delay
        return records.record(reply)
                .doOnSuccess(done -> recorded.increment())
                .onErrorResume(e -> {
                    failed.increment();
                    return Mono.empty();
                });
    }

    @Override
    public synchronized void start() {
        if (sweeps != null) {
            return;
        }
        sweeps = Flux.interval(settings.interval(), settings.interval())
                .onBackpressureDrop()
                .concatMap(tick -> sweep(), 1)
                .subscribe(claimed -> { }, e -> log.error("the sweep of unrecorded replies stopped", e));
    }

    /** Stops sweeping and waits (at most five seconds) for the publishes the listeners started to be marked. */
    @Override
    public synchronized void stop() {
        if (sweeps == null) {
            return;
        }
        sweeps.dispose();
        sweeps = null;
        if (!records.awaitIdle(STOP_TIMEOUT)) {
            log.warn("reply records still being published after {}; the sweep of another instance takes them", STOP_TIMEOUT);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return sweeps != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
