package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.wecomrelay.responder.delivery.Causes;
import io.wecomrelay.responder.outbox.RedisOutbox.Poll;
import io.wecomrelay.schemas.bot.BotConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Delivers one bot's outbox while this instance holds the bot's lease (renewed, or tried, with every other bot's by
 * {@link OutboxDelivery}): in a loop polls the outbox and runs the jobs it returns one after another. Without the
 * lease it waits. A failed step pauses and tries again; the
 * failed job comes first again because it is still this consumer's pending job.
 * <p>
 * An idle worker polls again after {@code poll-interval}, or as soon as it is woken ({@link #wake()}: a job was
 * announced, or it just took the lease). A wake-up during a step ends the pause that follows it at once, so none
 * is lost; a pause after a failure is not cut short by wake-ups.
 */
final class OutboxWorker {

    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);

    private volatile BotConfig bot;
    private final RedisOutbox outbox;
    private final OutboxJobRunner jobs;
    private final BotLease lease;
    private final OutboxSettings settings;
    private final Sinks.Empty<Void> stopped = Sinks.empty();
    private final Sinks.Empty<Void> stopping = Sinks.empty();
    // replaced as each step starts; replays its completion to a pause that subscribes after a wake-up
    private final AtomicReference<Sinks.Empty<Void>> wakeUp = new AtomicReference<>(Sinks.empty());
    private volatile boolean running;
    private @Nullable Disposable loop;

    OutboxWorker(BotConfig bot, RedisOutbox outbox, OutboxJobRunner jobs, BotLease lease, OutboxSettings settings) {
        this.bot = bot;
        this.outbox = outbox;
        this.jobs = jobs;
        this.lease = lease;
        this.settings = settings;
    }

    String botId() {
        return bot.id();
    }

    /** The bot's configuration from now on (same id), e.g. a new webhook key after a reload of the bots file. */
    void use(BotConfig changed) {
        this.bot = changed;
    }

    synchronized void start() {
        running = true;
        loop = Mono.defer(() -> {
                    wakeUp.set(Sinks.empty());
                    return step();
                })
                .onErrorResume(OutboxJobRunner.JobPostponedException.class, e -> Mono.just(Pause.after(e.pause())))
                .onErrorResume(e -> {
                    // the cause's type only: a message may carry a URL with its query
                    log.warn("delivery step failed botId={} cause={}; again in {}", bot.id(), Causes.describe(e),
                            settings.errorBackoff());
                    return Mono.just(Pause.after(settings.errorBackoff()));
                })
                .flatMap(this::pause)
                .repeat(() -> running)
                .doFinally(signal -> stopped.tryEmitEmpty())
                .subscribe();
    }

    /** Polls now if idle (at the end of the step in progress otherwise). */
    void wake() {
        wakeUp.get().tryEmitEmpty();
    }

    /**
     * Redis's answer to a renewal of the lease sent at {@code sentAt} (epoch ms). A lease just taken is polled at once,
     * for the jobs queued while no one held it.
     */
    void leaseRenewed(boolean held, long sentAt) {
        if (lease.renewed(held, sentAt)) {
            wake();
        }
    }

    /** A renewal failed: the lease counts as lost until one succeeds. */
    void leaseUnknown() {
        lease.lost();
    }

    private Mono<Void> pause(Pause pause) {
        if (pause.length().isZero()) {
            return Mono.empty();
        }
        Mono<Void> over = Mono.delay(pause.length()).then().or(stopping.asMono());
        return pause.idle() ? over.or(wakeUp.get().asMono()) : over;
    }

    /** Finishes the job in progress, then stops; see {@link #stopped()}. */
    void stop() {
        running = false;
        stopping.tryEmitEmpty();
    }

    Mono<Void> stopped() {
        return stopped.asMono();
    }

    /** Cancels whatever still runs (its job stays pending). */
    synchronized void dispose() {
        running = false;
        if (loop != null) {
            loop.dispose();
        }
        stopped.tryEmitEmpty();
    }

    /** The pause before the next step: none after jobs were run. */
    private Mono<Pause> step() {
        if (!running || !lease.heldFor(Duration.ZERO)) {
            return Mono.just(Pause.idle(settings.pollInterval()));
        }
        return outbox.poll(bot.id(), settings.consumer(), settings.claimMinIdle(), settings.batch()).flatMap(this::handle);
    }

    private Mono<Pause> handle(Poll poll) {
        if (poll.claimed() > 0) {
            jobs.reclaimed(bot.id(), poll.claimed());
        }
        return switch (poll.status()) {
            case NOT_HOLDER -> {
                lease.lost();
                yield Mono.just(Pause.idle(settings.pollInterval()));
            }
            case BLOCKED, EMPTY -> Mono.just(Pause.idle(settings.pollInterval()));
            // the jobs ahead of an entry are done (and deleted) by the time it runs
            case ENTRIES -> Flux.fromIterable(poll.entries()).index()
                    .takeWhile(entry -> running && lease.heldFor(Duration.ZERO))
                    .concatMap(entry -> jobs.run(bot, lease, entry.getT2(), poll.length() - entry.getT1()))
                    .then(Mono.just(Pause.NONE));
        };
    }

    /** A pause between steps; only an idle one ends early when the worker is woken. */
    private record Pause(Duration length, boolean idle) {

        static final Pause NONE = new Pause(Duration.ZERO, false);

        static Pause idle(Duration length) {
            return new Pause(length, true);
        }

        static Pause after(Duration length) {
            return new Pause(length, false);
        }
    }
}
