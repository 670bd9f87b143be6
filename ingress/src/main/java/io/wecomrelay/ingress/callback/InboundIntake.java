package io.wecomrelay.ingress.callback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.refresh.StreamStates;
import io.wecomrelay.ingress.reply.FirstReplies;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.reply.PassiveReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Makes a message durable and decides the first answer. Nothing is answered before Kafka has the
 * message; the Redis marker that lets refreshes tell "pending" from "unknown" is best effort.
 */
final class InboundIntake {

    private static final Logger log = LoggerFactory.getLogger(InboundIntake.class);

    private final InboundPublisher publisher;
    private final StreamStates streams;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final Duration redisTimeout;

    InboundIntake(InboundPublisher publisher, StreamStates streams, Clock clock, Supplier<UUID> ids, Duration redisTimeout) {
        this.publisher = publisher;
        this.streams = streams;
        this.clock = clock;
        this.ids = ids;
        this.redisTimeout = redisTimeout;
    }

    /** Completes with the passive reply, or empty for an empty answer, after Kafka's ack. */
    Mono<PassiveReply> accept(Bot bot, InboundMessage message) {
        Instant now = clock.instant();
        String streamId = StreamIds.of(bot.id(), message.msgId());
        var event = new MessageReceived(new EventMeta(ids.get(), traceId(), now), bot.id(), streamId, message);
        log.info("received bot={} msgId={} streamId={} type={} traceId={}", bot.id(), message.msgId(), streamId,
                message.msgType(), event.meta().traceId());
        PassiveReply reply = FirstReplies.forInbound(bot.config(), streamId, message);
        return publisher.publish(event)
                .then(reply != null && bot.config().replyMode().streams() ? markCreated(streamId, now) : Mono.empty())
                .then(Mono.justOrEmpty(reply));
    }

    private Mono<Void> markCreated(String streamId, Instant now) {
        return streams.markCreated(streamId, now)
                .timeout(redisTimeout)
                .onErrorResume(e -> {
                    log.warn("stream marker not written streamId={} cause={}", streamId, e.getClass().getSimpleName());
                    return Mono.empty();
                });
    }

    private String traceId() {
        return ids.get().toString().replace("-", "");
    }
}
