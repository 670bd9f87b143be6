package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The {@code reply-recorded} record of every finished stream, for auditors ({@code wecom.replies}). Before a fold
 * that can finish a stream (a last chunk, a rejection) the materializer makes a draft here: the record without its
 * text. The fold script keeps it with the final content in the atomic step that sets {@code finish}, indexes it as
 * unrecorded and hands the record back while it is not marked published; the materializer records it here
 * (publishes it, then marks it, which takes it out of the index) without waiting, and whatever is still in the index
 * a while later is recorded by {@link ReplySweep} from what Redis kept. A record published twice (a redelivery or a
 * sweep before the mark) has the same bytes both times (the event id comes from the stream id); after the mark
 * nothing publishes it again.
 */
public final class ReplyRecords {

    /** The policy version of replies of bots the bots file does not know, as the processor records it. */
    public static final String NO_POLICY = "none";

    /** The most replies {@link #recordSoon} has on their way to the broker at once. */
    public static final int MAX_IN_FLIGHT = 1024;
    private static final long IDLE_CHECK_NANOS = 10_000_000L;

    private static final Logger log = LoggerFactory.getLogger(ReplyRecords.class);

    private final BotSource bots;
    private final ReplyPublisher publisher;
    private final RecordedMarks marks;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Marks each published record on its own. */
    public ReplyRecords(BotSource bots, ReplyPublisher publisher, StreamStateWriter store, Clock clock,
                        MeterRegistry meters) {
        this(bots, publisher, RecordedMarks.each(store), clock, meters);
    }

    public ReplyRecords(BotSource bots, ReplyPublisher publisher, RecordedMarks marks, Clock clock,
                        MeterRegistry meters) {
        this.bots = bots;
        this.publisher = publisher;
        this.marks = marks;
        this.clock = clock;
        this.meters = meters;
    }

    /** The draft for an answer's last chunk: finished or failed, under the bot settings in force now. */
    public ReplyRecorded draft(ReplyChunk last) {
        Optional<BotConfig> bot = bots.find(last.botId());
        ChunkError error = last.error();
        ReplyRoute route = last.route();
        Instant now = clock.instant();
        return new ReplyRecorded(meta(last, now), last.botId(), last.streamId(), last.msgId(), route.chatType(),
                route.chatId(), route.userId(), channel(bot), "", false,
                error == null ? ReplyFinish.FINISHED : ReplyFinish.FAILED, error == null ? null : error.code(),
                error == null ? null : error.detail(), null, now, last.messageReceivedAt(),
                bot.map(BotConfig::policyVersion).orElse(NO_POLICY));
    }

    /**
     * The draft for a rejection, under the policy version the processor decided it by.
     *
     * @param cut the rejection text was cut at the content limit
     */
    public ReplyRecorded draft(MessageRejected rejection, boolean cut) {
        InboundMessage message = rejection.message();
        Instant now = clock.instant();
        return new ReplyRecorded(meta(rejection, now), rejection.botId(), rejection.streamId(), message.msgId(),
                message.chatType(), message.chatId(), message.userId(), channel(bots.find(rejection.botId())), "", cut,
                ReplyFinish.REJECTED, null, rejection.detail(), rejection.reason(), now, rejection.receivedAt(),
                rejection.decision().policyVersion());
    }

    /** Publishes {@code reply}, then marks it published; errors when either failed (the record is handed back again). */
    public Mono<Void> record(ReplyRecorded reply) {
        return publisher.publish(reply)
                .then(Mono.defer(() -> marks.mark(reply.streamId())))
                .doOnSuccess(done -> {
                    meters.counter("relay.responder.replies.recorded", "bot", reply.botId(),
                            "finish", reply.finish().name().toLowerCase(Locale.ROOT)).increment();
                    log.debug("reply recorded streamId={} botId={} finish={}", reply.streamId(), reply.botId(),
                            reply.finish());
                })
                .doOnError(e -> {
                    meters.counter("relay.responder.replies.unrecorded").increment();
                    try (var trace = TraceLog.ofTraceId(reply.meta().traceId())) {
                        log.warn("cannot record reply streamId={} botId={} cause={}; the sweep retries it",
                                reply.streamId(), reply.botId(), e.toString());
                    }
                });
    }

    /**
     * Starts recording each reply and returns at once. A failure is counted and logged by {@link #record} and left
     * to the sweep, as is every reply beyond {@value #MAX_IN_FLIGHT} still being recorded (a broker that does not
     * answer must not pile up sends in memory).
     */
    public void recordSoon(Collection<ReplyRecorded> replies) {
        for (ReplyRecorded reply : replies) {
            if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
                inFlight.decrementAndGet();
                meters.counter("relay.responder.replies.deferred").increment();
                continue;
            }
            Mono.defer(() -> record(reply)).doFinally(signal -> inFlight.decrementAndGet())
                    .subscribe(done -> { }, failed -> { });
        }
    }

    /** Waits until no reply {@link #recordSoon} started is still being recorded; false when {@code timeout} ran out. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(IDLE_CHECK_NANOS);
        }
        return true;
    }

    private static EventMeta meta(RelayEvent source, Instant now) {
        return new EventMeta(ReplyRecorded.eventIdOf(source.streamId()), source.meta().traceId(), now);
    }

    private static ReplyChannel channel(Optional<BotConfig> bot) {
        return bot.map(config -> switch (config.replyMode()) {
            case RESPONSE_URL -> ReplyChannel.RESPONSE_URL;
            case WEBHOOK -> ReplyChannel.WEBHOOK;
            case APP_MESSAGE -> ReplyChannel.APP_MESSAGE;
            case PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> ReplyChannel.STREAM;
        }).orElse(ReplyChannel.STREAM);
    }
}
