package io.wecomrelay.responder.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.DeliveryRun;
import io.wecomrelay.responder.delivery.FinishedReply;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.support.outage.TransientFailures;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Runs one delivery job: reads it, loads what earlier runs did, gives it up when it breaks the outbox's
 * {@link OutboxLimits} or else delivers (which records every attempt and dead-letters a failure), and
 * only then acknowledges the job. A run that errors (lease lost, Redis or broker unreachable) leaves the
 * job pending; it runs again, skipping the parts WeCom already accepted, or only acknowledging when an
 * earlier run already recorded the outcome. Once WeCom accepted a part, the run notes that in Redis however
 * long Redis takes to answer again, and a later run leaves parts in doubt to their run for a while
 * ({@link InDoubtParts}): an outage of Redis during a send does not send the part twice.
 */
public final class OutboxJobRunner {

    private static final Logger log = LoggerFactory.getLogger(OutboxJobRunner.class);
    private static final Duration NOTE_FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration NOTE_MAX_RETRY = Duration.ofSeconds(1);

    private final RedisOutbox outbox;
    private final DeliveryStates states;
    private final ReplyDeliverer deliverer;
    private final MeterRegistry meters;
    private final OutboxSettings settings;
    private final OutboxLimits limits;
    private final Clock clock;
    private final InDoubtParts inDoubt;

    public OutboxJobRunner(RedisOutbox outbox, DeliveryStates states, ReplyDeliverer deliverer, MeterRegistry meters,
                           OutboxSettings settings, OutboxLimits limits, Clock clock) {
        this.outbox = outbox;
        this.states = states;
        this.deliverer = deliverer;
        this.meters = meters;
        this.settings = settings;
        this.limits = limits;
        this.clock = clock;
        this.inDoubt = new InDoubtParts(clock, settings.inDoubtGrace());
    }

    /** @param backlog jobs in the bot's outbox, this one included, for the depth limit */
    Mono<Void> run(BotConfig bot, BotLease lease, OutboxEntry entry, long backlog) {
        FinishedReply reply;
        try {
            reply = entry.reply(bot);
        } catch (IllegalArgumentException e) {
            count("unreadable");
            log.error("unreadable delivery job botId={} jobId={} cause={}: moved to the dead-job stream", bot.id(),
                    entry.id(), e.getMessage());
            return outbox.bury(bot.id(), entry, String.valueOf(e.getMessage()));
        }
        return states.load(reply.streamId())
                .flatMap(earlier -> {
                    if (earlier.done() != null) {
                        return Mono.just(earlier.done());
                    }
                    Optional<Duration> wait = inDoubt.waitFor(reply.streamId(), earlier.parts());
                    if (wait.isPresent()) {
                        count("in_doubt_wait");
                        try (var trace = TraceLog.ofTraceId(reply.traceId())) {
                            log.info("delivery job has parts another run sent without noting WeCom's answer botId={} streamId={} "
                                + "parts={}: left to that run for another {} ms", bot.id(), reply.streamId(), earlier.parts(),
                                    wait.get().toMillis());
                        }
                        return Mono.error(new JobPostponedException(wait.get()));
                    }
                    // a job an earlier run started is finished: its first parts are already in the chat
                    Optional<DeliveryFailure> dropped = earlier.parts().isEmpty()
                            ? limits.judge(bot, reply.created(), backlog, clock.instant()) : Optional.empty();
                    return dropped.isPresent() ? drop(bot, reply, dropped.get(), backlog)
                            : deliverer.deliver(reply, bot, new Run(reply, earlier.parts(), lease));
                })
                .flatMap(outcome -> complete(bot, entry, reply, outcome));
    }

    private Mono<DeliveryOutcome> drop(BotConfig bot, FinishedReply reply, DeliveryFailure failure, long backlog) {
        String reason = failure.name().toLowerCase(Locale.ROOT);
        try (var trace = TraceLog.ofTraceId(reply.traceId())) {
            log.warn("delivery job given up botId={} streamId={} reason={} backlog={}", bot.id(), reply.streamId(), reason,
                    backlog);
        }
        return deliverer.giveUp(reply, bot, failure, limits.detail(bot, failure))
                .doOnNext(outcome -> meters.counter("relay.responder.outbox.dropped", "bot", bot.id(), "reason", reason).increment());
    }

    void reclaimed(String botId, long jobs) {
        meters.counter("relay.responder.outbox.reclaimed").increment(jobs);
        log.info("claimed {} delivery jobs left pending by another instance botId={}", jobs, botId);
    }

    private Mono<Void> complete(BotConfig bot, OutboxEntry entry, FinishedReply reply, DeliveryOutcome outcome) {
        return outbox.complete(bot.id(), settings.consumer(), entry.id(), reply.streamId(), outcome, states.ttl())
                .doOnNext(done -> {
                    count(done ? outcome.name().toLowerCase(Locale.ROOT) : "taken_over");
                    if (done && ContentCap.utf8Length(reply.content()) > ReplyDeliverer.RESPONSE_URL_MAX_BYTES) {
                        // an answer longer than one stream or response_url message: went it out whole?
                        meters.counter("relay.responder.continuations", "bot", bot.id(), "channel",
                                ReplyDeliverer.channelOf(bot).name().toLowerCase(Locale.ROOT), "outcome",
                                outcome.name().toLowerCase(Locale.ROOT)).increment();
                    }
                    if (!done) {
                        try (var trace = TraceLog.ofTraceId(reply.traceId())) {
                            log.warn("delivery job taken over before it was acknowledged botId={} streamId={} jobId={}",
                                    bot.id(), reply.streamId(), entry.id());
                        }
                    }
                })
                .then();
    }

    private void count(String outcome) {
        meters.counter("relay.responder.outbox.jobs", "outcome", outcome).increment();
    }

    /** This run of one job: the parts earlier runs got through, and the lease as fence. */
    private final class Run implements DeliveryRun {
        private final FinishedReply reply;
        private final Map<Integer, PartState> earlier;
        private final BotLease lease;

        Run(FinishedReply reply, Map<Integer, PartState> earlier, BotLease lease) {
            this.reply = reply;
            this.earlier = earlier;
            this.lease = lease;
        }

        @Override
        public PartState state(int part) {
            PartState state = earlier.getOrDefault(part, PartState.NOT_SENT);
            if (state == PartState.NOT_SENT) {
                return state;
            }
            try (var trace = TraceLog.ofTraceId(reply.traceId())) {
                resumed(part, state);
            }
            return state;
        }

        private void resumed(int part, PartState state) {
            if (state == PartState.SENDING) {
                meters.counter("relay.responder.outbox.parts.resumed", "state", "sending").increment();
                log.info("part sent by an earlier run without a known answer streamId={} part={}: sent again",
                        reply.streamId(), part);
            } else {
                meters.counter("relay.responder.outbox.parts.resumed", "state", state.name().toLowerCase(Locale.ROOT)).increment();
                log.info("part already accepted by WeCom in an earlier run streamId={} part={} state={}: not sent again",
                        reply.streamId(), part, state);
            }
        }

        @Override
        public Mono<Void> markSending(int part) {
            return states.mark(reply.streamId(), part, PartState.SENDING);
        }

        @Override
        public Mono<Void> markSent(int part) {
            return untilRedisAnswers(states.mark(reply.streamId(), part, PartState.SENT), part, PartState.SENT);
        }

        @Override
        public Mono<Void> markRecorded(int part) {
            return untilRedisAnswers(states.mark(reply.streamId(), part, PartState.RECORDED), part, PartState.RECORDED);
        }

        /**
         * WeCom's answer is known only to this run until it is in Redis: a run that gave up here would leave the part
         * {@code sending}, and whoever ran the job next would send it again. So the note waits out an outage of Redis
         * (the delivery lease may pass to another instance meanwhile, which leaves the part alone, see
         * {@link InDoubtParts}); stopping the responder cancels it.
         */
        private Mono<Void> untilRedisAnswers(Mono<Void> note, int part, PartState state) {
            return note.retryWhen(Retry.backoff(Long.MAX_VALUE, NOTE_FIRST_RETRY).maxBackoff(NOTE_MAX_RETRY)
                    .filter(TransientFailures::isTransient)
                    .doBeforeRetry(signal -> {
                        if (signal.totalRetriesInARow() == 0) {
                            meters.counter("relay.responder.outbox.notes.delayed").increment();
                            try (var trace = TraceLog.ofTraceId(reply.traceId())) {
                                log.warn("cannot note part {} as {} yet streamId={} cause={}: trying until Redis answers",
                                        part, state.name().toLowerCase(Locale.ROOT), reply.streamId(),
                                        signal.failure().getClass().getSimpleName());
                            }
                        }
                    }));
        }

        @Override
        public Mono<Void> checkMaySend() {
            return lease.heldFor(settings.sendTimeout()) ? Mono.empty()
                    : Mono.error(new LeaseLostException(reply.botId()));
        }
    }

    /** The run stops without an outcome: another run may still note a part of the job; try again after {@code pause}. */
    static final class JobPostponedException extends RuntimeException {
        private final Duration pause;

        JobPostponedException(Duration pause) {
            super("parts of the job are in doubt for another " + pause.toMillis() + " ms", null, false, false);
            this.pause = pause;
        }

        Duration pause() {
            return pause;
        }
    }

    /** The run stops without an outcome: the job stays pending for whoever holds the lease next. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(String botId) {
            super("delivery lease of bot " + botId + " lost or about to expire");
        }
    }
}
