package io.wecomrelay.responder.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wecomrelay.responder.delivery.Causes;
import io.wecomrelay.schemas.bot.BotSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * Active delivery that survives instance failures: exactly once in effect, in finish order per bot,
 * across all responder instances.
 * <ul>
 * <li><b>Outbox.</b> The fold script that sets {@code finish} of a {@code response_url} or {@code webhook}
 *     bot's stream appends a job (final content, arrival time, source event) to the bot's Redis Stream
 *     {@code responder:outbox:{botId}} in the same atomic step, once per stream. The Kafka offset is
 *     committed afterwards, so a finished reply is either queued or its last chunk is redelivered.</li>
 * <li><b>Woken, not polling.</b> The same script announces the job on the channel named like the outbox; each
 *     instance listens to all of them through one subscription ({@link OutboxSignals}) and wakes that bot's
 *     worker, which polls at once if it holds the lease. An idle outbox is polled only every {@code poll-interval}
 *     (the safety net for a lost announcement), so idle bots cost Redis next to nothing.</li>
 * <li><b>One reader per bot.</b> Each instance runs an {@link OutboxWorker} per such bot. Only the holder
 *     of the bot's lease ({@code responder:outbox-lease:{botId}}, a consumer name with a TTL, renewed
 *     every third of it, the leases of up to {@value #LEASES_PER_CALL} bots in one call) reads the outbox, through
 *     the consumer group, one job after another. That keeps
 *     the bot's replies in order across instances; the Redis rate limiter keeps the bot's pace across
 *     lease hand-overs.</li>
 * <li><b>Acknowledge last.</b> A job is acknowledged (XACK, then XDEL) only after its outcome — every
 *     part {@code DELIVERED}, or {@code FAILED} and dead-lettered — is on the broker.</li>
 * <li><b>Recovery.</b> When a holder dies its lease expires and another instance takes it; its polls
 *     claim the dead consumer's pending jobs with XAUTOCLAIM once idle for {@code claim-min-idle}, and
 *     read no newer job while older ones are still pending elsewhere (order). A holder starts a send only
 *     while its lease has more than a request timeout left, so no old send is in flight at hand-over.</li>
 * <li><b>No part twice.</b> After WeCom accepts a part, {@code part:N=sent} is written to the stream's
 *     delivery state ({@code responder:delivery:{streamId}}) before anything else, waiting out an outage of
 *     Redis if need be; a re-run records such a part without sending it again. A run that finds a part another
 *     run left {@code sending} or {@code sent} leaves it to that run until it has stayed so for
 *     {@code in-doubt-grace} ({@link InDoubtParts}). The remaining window: a process that dies between WeCom's
 *     answer and that write has its part sent again.</li>
 * <li><b>Bounded.</b> A job whose message is older than {@code max-reply-age}, or the oldest while the outbox is deeper than
 *     {@code max-depth-per-bot} ({@link OutboxLimits}), and any job that can never be delivered (a refused
 *     response_url, a permanent WeCom error) is recorded FAILED with its reason, dead-lettered and
 *     acknowledged: no job holds back its bot's later ones for a reason of its own.</li>
 * </ul>
 */
public final class OutboxDelivery implements SmartLifecycle {

    /**
     * Starts after Redis's connection factory (phase 0) and before the listener containers (phase
     * {@code Integer.MAX_VALUE - 100}), which queue the jobs; stops in the reverse order, after the containers
     * and while Redis is still there to release the leases.
     */
    public static final int PHASE = Integer.MAX_VALUE - 200;

    private static final Logger log = LoggerFactory.getLogger(OutboxDelivery.class);
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);
    /** Bounds one renewal's script: a few milliseconds of Redis's single thread at most. */
    static final int LEASES_PER_CALL = 200;

    private final BotSource bots;
    private final RedisOutbox outbox;
    private final OutboxJobRunner jobs;
    private final Clock clock;
    private final OutboxSettings settings;
    private final OutboxSignals signals;
    // read by the signals' thread, changed under this object's lock
    private final Map<String, OutboxWorker> workers = new ConcurrentHashMap<>();
    private @Nullable Disposable listening;
    private @Nullable Disposable renewals;
    private boolean running;

    public OutboxDelivery(BotSource bots, RedisOutbox outbox, OutboxJobRunner jobs, Clock clock, OutboxSettings settings,
                          OutboxSignals signals) {
        this.bots = bots;
        this.outbox = outbox;
        this.jobs = jobs;
        this.clock = clock;
        this.settings = settings;
        this.signals = signals;
    }

    /** Starts a worker per bot that delivers actively, and listens for the jobs queued from now on. */
    @Override
    public synchronized void start() {
        running = true;
        startWorkers();
        renewals = Flux.interval(settings.renewInterval(), settings.renewInterval())
                .onBackpressureDrop()
                .concatMap(tick -> renew(List.copyOf(workers.values())), 1)
                .subscribe();
        listening = signals.signals().subscribe(this::wake,
                e -> log.error("the announcements of queued jobs stopped; polling every {}", settings.pollInterval(), e));
    }

    private void wake(OutboxSignals.Signal signal) {
        if (signal.botId() == null) {
            workers.values().forEach(OutboxWorker::wake);
            return;
        }
        var worker = workers.get(signal.botId());
        if (worker != null) {
            worker.wake();
        }
    }

    /**
     * Starts a worker for each bot that delivers actively and has none yet, and hands running workers their
     * bot's current configuration; called after every reload of the bots file. A bot since removed or switched
     * to streaming keeps its worker, with its last configuration, for the jobs in its outbox. Does nothing while
     * stopped.
     */
    public synchronized void refresh() {
        if (running) {
            startWorkers();
        }
    }

    private void startWorkers() {
        var started = new ArrayList<OutboxWorker>();
        // streaming bots of URL callbacks too: the rest of an answer longer than their stream goes to the response_url
        bots.all().stream().filter(bot -> !bot.longConnection()).forEach(bot -> {
            var existing = workers.get(bot.id());
            if (existing != null) {
                existing.use(bot);
                return;
            }
            var worker = new OutboxWorker(bot, outbox, jobs, new BotLease(settings.leaseTtl(), clock), settings);
            worker.start();
            workers.put(bot.id(), worker);
            started.add(worker);
        });
        if (!started.isEmpty()) {
            // the new workers' leases now, not at the next renewal
            renew(started).subscribe();
            log.info("delivery workers started consumer={} bots={}", settings.consumer(),
                    started.stream().map(OutboxWorker::botId).toList());
        }
    }

    /** Takes or renews the workers' leases, {@link #LEASES_PER_CALL} to a call; never fails. */
    private Mono<Void> renew(List<OutboxWorker> renewing) {
        return Flux.fromIterable(renewing).buffer(LEASES_PER_CALL).concatMap(batch -> {
            long sentAt = clock.millis();
            return outbox.leases(batch.stream().map(OutboxWorker::botId).toList(), settings.consumer(), settings.leaseTtl())
                    .doOnNext(held -> {
                        for (int i = 0; i < batch.size(); i++) {
                            batch.get(i).leaseRenewed(i < held.size() && held.get(i), sentAt);
                        }
                    })
                    .onErrorResume(e -> {
                        batch.forEach(OutboxWorker::leaseUnknown);
                        log.warn("cannot renew the delivery leases bots={} cause={}", batch.size(), Causes.describe(e));
                        return Mono.empty();
                    });
        }).then();
    }

    /**
     * Lets the jobs in progress finish for up to the shutdown grace, then cancels the rest (their jobs
     * stay pending, for the next lease holder), releases the leases and leaves the consumer group: returns
     * within the shutdown grace plus five seconds.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        if (listening != null) {
            listening.dispose();
        }
        workers.values().forEach(OutboxWorker::stop);
        try {
            Mono.when(workers.values().stream().map(OutboxWorker::stopped).toList()).block(settings.shutdownGrace());
        } catch (IllegalStateException e) {
            log.warn("deliveries still running after {}; their jobs stay pending for the next lease holder",
                    settings.shutdownGrace());
        }
        workers.values().forEach(OutboxWorker::dispose);
        if (renewals != null) {
            renewals.dispose();
        }
        try {
            Mono.when(workers.values().stream().map(worker -> outbox.leave(worker.botId(), settings.consumer())
                    .onErrorResume(e -> Mono.empty())).toList()).block(LEAVE_TIMEOUT);
        } catch (IllegalStateException e) {
            log.warn("cannot release the delivery leases; they expire after {}", settings.leaseTtl());
        }
        workers.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
