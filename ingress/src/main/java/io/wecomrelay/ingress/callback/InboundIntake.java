package io.wecomrelay.ingress.callback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.netty.util.Timer;
import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.PublishFailedException;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.ingress.tracing.IngressTracing;
import io.wecomrelay.ingress.reply.FirstReplies;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.reply.PassiveReply;
import io.wecomrelay.support.reactive.WheelTimeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Makes a message durable and decides the first answer. Nothing is answered before Kafka has the
 * message and, for a bot that streams, before Redis has the stream marker that lets refreshes tell
 * "pending" from "unknown". The marker is written while Kafka is still acknowledging, not after. Either
 * failing fails the callback (503, WeCom retries):
 * <ul>
 * <li>a marker whose publish failed is harmless: the stream id is never given to WeCom, WeCom's retry of the
 *     same msgid maps to the same stream id and marker (HSETNX keeps the first arrival), and a stream nobody
 *     publishes is finished by a refresh after {@code stream-window} or expires after {@code stream-ttl};</li>
 * <li>a publish whose marker failed (Redis down or slower than {@code redis-timeout}) is answered 503 too,
 *     rather than with a stream whose every refresh would find nothing and finish it as expired: WeCom's retry
 *     publishes a duplicate the processor drops, and writes the marker once Redis is back.</li>
 * </ul>
 */
final class InboundIntake {

    private static final Logger log = LoggerFactory.getLogger(InboundIntake.class);

    private final InboundPublisher publisher;
    private final StreamMarkerWriter markers;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final Duration markerTimeout;
    private final Timer wheel;
    private final IngressTracing tracing;

    InboundIntake(InboundPublisher publisher, StreamMarkerWriter markers, Clock clock, Supplier<UUID> ids, Duration markerTimeout,
                  Timer wheel) {
        this(publisher, markers, clock, ids, markerTimeout, wheel, IngressTracing.noop(clock));
    }

    /** @param wheel where the marker's timeout is set: Lettuce's command timer ({@link WheelTimeout}) */
    InboundIntake(InboundPublisher publisher, StreamMarkerWriter markers, Clock clock, Supplier<UUID> ids, Duration markerTimeout,
                  Timer wheel, IngressTracing tracing) {
        this.tracing = tracing;
        this.publisher = publisher;
        this.markers = markers;
        this.clock = clock;
        this.ids = ids;
        this.markerTimeout = markerTimeout;
        this.wheel = wheel;
    }

    /**
     * Completes with the passive reply, or empty for an empty answer, after Kafka's ack and the marker; fails with
     * {@link PublishFailedException} or {@link StreamMarkerFailedException}, either way on {@code continuation}: the
     * request's event loop ({@link RequestLoop}).
     */
    Mono<PassiveReply> accept(Bot bot, InboundMessage message, Scheduler continuation) {
        Instant now = clock.instant();
        String streamId = StreamIds.of(bot.id(), message.msgId());
        var span = tracing.start(bot.id(), message.msgType());
        var event = new MessageReceived(new EventMeta(ids.get(), tracing.traceId(span, traceId()), now), bot.id(), streamId,
                message, bot.config().policyVersion());
        PassiveReply reply = FirstReplies.forInbound(bot.config(), streamId, message);
        Mono<Void> marked = reply != null && bot.config().replyMode().streams()
                ? markCreated(bot.id(), streamId, now, event.meta().traceId()) : Mono.empty();
        // Both complete on a client library's only I/O thread (Kafka's sender, Lettuce's event loop), or time out on
        // the timer wheel's: the rest of the request (tracing, the log line, sealing the reply, writing the response,
        // metrics) must not run there. It continues on the request's event loop, which writes the response anyway.
        // Both run to their end, so that a failed marker never cancels (interrupts) a send in progress; then Kafka's
        // failure is the one reported when both failed.
        return Mono.whenDelayError(publisher.publish(event).contextWrite(tracing.context(span)), marked)
                .onErrorMap(Exceptions::isMultiple, InboundIntake::publishFailureFirst)
                .publishOn(continuation)
                .doOnSuccess(done -> tracing.acknowledged(span, bot.id(), now, () -> log.info(
                        "accepted bot={} msgId={} streamId={} type={} traceId={}", bot.id(), message.msgId(), streamId,
                        message.msgType(), event.meta().traceId())))
                .doOnError(e -> tracing.failed(span, e, () -> {
                    if (e instanceof PublishFailedException) {
                        log.error("kafka did not acknowledge; answering 503 so WeCom retries bot={} msgId={} streamId={} "
                                + "cause={}", bot.id(), message.msgId(), streamId, e.getMessage());
                    } else if (e instanceof StreamMarkerFailedException) {
                        log.error("stream marker not written (Redis); answering 503 so WeCom retries bot={} msgId={} "
                                + "streamId={} cause={}", bot.id(), message.msgId(), streamId,
                                e.getCause().getClass().getSimpleName());
                    }
                }))
                .then(Mono.justOrEmpty(reply));
    }

    private Mono<Void> markCreated(String botId, String streamId, Instant now, String traceId) {
        return WheelTimeout.bound(markers.markCreated(botId, streamId, now, traceId), wheel, markerTimeout)
                .onErrorMap(StreamMarkerFailedException::new);
    }

    private static Throwable publishFailureFirst(Throwable multiple) {
        List<Throwable> errors = Exceptions.unwrapMultiple(multiple);
        return errors.stream().filter(PublishFailedException.class::isInstance).findFirst().orElse(errors.get(0));
    }

    private String traceId() {
        return ids.get().toString().replace("-", "");
    }
}
