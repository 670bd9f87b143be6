package io.wecomrelay.responder.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.kafka.EventPublisher;
import io.wecomrelay.responder.tracing.ResponderTraces;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.Topics;
import org.jspecify.annotations.Nullable;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.kafka.core.KafkaOperations;

/**
 * Publishes every delivery attempt and its outcome to {@code wecom.deliveries}, keyed by stream id, with the policy
 * version of the bot settings it was made under.
 */
public final class DeliveryRecorder {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRecorder.class);

    private final KafkaOperations<String, Object> kafka;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final MeterRegistry meters;
    private final ResponderTraces traces;

    public DeliveryRecorder(KafkaOperations<String, Object> kafka, Clock clock, Supplier<UUID> ids, MeterRegistry meters) {
        this(kafka, clock, ids, meters, ResponderTraces.noop());
    }

    public DeliveryRecorder(KafkaOperations<String, Object> kafka, Clock clock, Supplier<UUID> ids, MeterRegistry meters,
                            ResponderTraces traces) {
        this.traces = traces;
        this.kafka = kafka;
        this.clock = clock;
        this.ids = ids;
        this.meters = meters;
    }

    /**
     * Completes when the broker acknowledged the record; errors when it could not be written, so that
     * the caller leaves the job unacknowledged and tries again later.
     */
    Mono<Void> record(FinishedReply reply, PartAttempt attempt, DeliveryOutcome outcome, SendResult result) {
        return publish(reply, attempt, outcome, result, null);
    }

    /** Records that the reply is given up for good, and why; errors like {@link #record}. */
    Mono<Void> recordFailed(FinishedReply reply, PartAttempt attempt, SendResult result, DeliveryFailure reason) {
        return publish(reply, attempt, DeliveryOutcome.FAILED, result, reason);
    }

    /**
     * Records that the reply of {@code bot} finished by {@code source} (a last chunk or a rejection) is not sent at
     * all, and why, dated by the source's receive time; errors like {@link #record}.
     */
    public Mono<Void> recordSkipped(RelayEvent source, BotConfig bot, DeliveryFailure reason, String detail) {
        var subject = new Subject(source.botId(), source.streamId(), source.meta().traceId(), source.messageReceivedAt(),
                bot.policyVersion());
        return publish(subject, new PartAttempt(ReplyDeliverer.channelOf(bot), 1, 1, 1), DeliveryOutcome.SKIPPED, null,
                detail, reason);
    }

    private Mono<Void> publish(FinishedReply reply, PartAttempt attempt, DeliveryOutcome outcome, SendResult result,
                               @Nullable DeliveryFailure reason) {
        var subject = new Subject(reply.botId(), reply.streamId(), reply.traceId(), reply.created(), reply.policyVersion());
        try (var trace = traces.delivered(reply.botId(), reply.traceId(), reply.source().meta().occurredAt(),
                name(attempt.channel()), name(outcome))) {
            return publish(subject, attempt, outcome, result.errcode(), result.detail(), reason);
        }
    }

    private Mono<Void> publish(Subject reply, PartAttempt attempt, DeliveryOutcome outcome, @Nullable Integer errcode,
                               String detail, @Nullable DeliveryFailure reason) {
        var event = new DeliveryRecorded(new EventMeta(ids.get(), reply.traceId(), clock.instant()), reply.botId(),
                reply.streamId(), attempt.channel(), attempt.part(), attempt.parts(), attempt.attempt(), outcome,
                errcode, detail, reason, reply.receivedAt(), reply.policyVersion());
        meters.counter("relay.responder.deliveries", "channel", name(attempt.channel()), "outcome", name(outcome)).increment();
        log.info("delivery streamId={} botId={} channel={} part={}/{} attempt={} outcome={} errcode={} reason={}",
                reply.streamId(), reply.botId(), attempt.channel(), attempt.part(), attempt.parts(), attempt.attempt(),
                outcome, errcode, reason);
        return EventPublisher.send(kafka, Topics.DELIVERIES.name(), reply.streamId(), event, DeliveryRecorded.TYPE)
                .doOnError(e -> {
                    meters.counter("relay.responder.deliveries.unrecorded").increment();
                    try (var trace = TraceLog.ofTraceId(reply.traceId())) {
                        log.warn("cannot record delivery streamId={} cause={}", reply.streamId(), e.toString());
                    }
                });
    }

    /** For attempts that are not outcomes ({@code RETRYING}): a record that cannot be written is logged and skipped. */
    Mono<Void> recordIfPossible(FinishedReply reply, PartAttempt attempt, DeliveryOutcome outcome, SendResult result) {
        return record(reply, attempt, outcome, result).onErrorResume(e -> Mono.empty());
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whose delivery is recorded; {@code receivedAt} is the message's receive time the reply's age is measured from,
     * {@code policyVersion} that of the bot settings it is delivered under.
     */
    private record Subject(String botId, String streamId, String traceId, @Nullable Instant receivedAt,
                           String policyVersion) {
    }

    /** Which part and which attempt of it. */
    record PartAttempt(DeliveryChannel channel, int part, int parts, int attempt) {

        PartAttempt next() {
            return new PartAttempt(channel, part, parts, attempt + 1);
        }
    }
}
