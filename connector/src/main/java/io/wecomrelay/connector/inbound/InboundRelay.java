package io.wecomrelay.connector.inbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.wecomrelay.connector.reply.BotStreams;
import io.wecomrelay.connector.reply.OpenStream;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frame;
import io.wecomrelay.connector.wire.Frames;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.message.CallbackMeta;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import io.wecomrelay.schemas.wecom.reply.UpdateTemplateCardReply;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One callback frame of a bot owned here. A message is answered only once Kafka has it (as ingress answers a
 * callback only then): its stream opens with the placeholder, and the reply follows from Redis. WeCom does not send
 * a long-connection callback again, so a publish that fails is retried for {@code publishPatience}; then the stream
 * is finished at once with {@code unavailableText}, so the user is not left waiting for nothing. Welcome and card
 * updates go out at once (WeCom wants them within 5 s; they depend on nothing), beside the event's publish.
 */
public final class InboundRelay {

    private static final Logger log = LoggerFactory.getLogger(InboundRelay.class);
    private static final Set<String> MESSAGE_TYPES = Set.of("text", "mixed", "image", "voice", "file", "video");

    private final InboundPublisher publisher;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final MeterRegistry meters;
    private final Duration publishPatience;
    private final String unavailableText;
    private final RelayTracing tracing;

    public InboundRelay(InboundPublisher publisher, Clock clock, Supplier<UUID> ids, MeterRegistry meters,
                        Duration publishPatience, String unavailableText, RelayTracing tracing) {
        this.tracing = tracing;
        this.publisher = publisher;
        this.clock = clock;
        this.ids = ids;
        this.meters = meters;
        this.publishPatience = publishPatience;
        this.unavailableText = unavailableText;
    }

    /**
     * Handles one callback frame; the result completes once the message is published and its stream recorded open
     * (or it failed, which is handled here), so that an owner handing the bot on can wait for it.
     */
    public Mono<Void> accept(BotConfig bot, BotSocket socket, BotStreams streams, Frame frame) {
        InboundMessage message = message(bot, frame);
        if (message == null) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        String streamId = StreamIds.of(bot.id(), message.msgId());
        // the message's trace starts here, as ingress's do: its id is the event's trace id
        Span span = tracing.startRoot("connector inbound", Span.Kind.CONSUMER).tag("relay.bot", bot.id());
        var event = new MessageReceived(new EventMeta(ids.get(), RelayTracing.traceId(span,
                ids.get().toString().replace("-", "")), now), bot.id(), streamId, message,
                bot.policyVersion());
        if (message.isEvent()) {
            answerEvent(bot, socket, frame, message, tracing.traceparent(span));
            return publishCounted(bot, "event", event, span);
        }
        if (!MESSAGE_TYPES.contains(message.msgType())) {
            return publishCounted(bot, "other", event, span);
        }
        return publish(event, span)
                .then(Mono.defer(() -> streams.start(new OpenStream(streamId, frame.reqId(), clock.instant()))))
                .doOnNext(opened -> {
                    counted(bot, message.msgType(), opened ? "published" : "repeated");
                    try (var scope = tracing.inScope(span)) {
                        log.info("accepted bot={} msgId={} streamId={} reqId={} type={} traceId={}", bot.id(),
                                message.msgId(), streamId, frame.reqId(), message.msgType(), event.meta().traceId());
                    }
                })
                .then()
                .onErrorResume(error -> {
                    try (var trace = TraceLog.of(tracing.traceparent(span))) {
                        unavailable(bot, socket, frame, streamId, error);
                    }
                    return Mono.empty();
                });
    }

    private Mono<Void> publishCounted(BotConfig bot, String type, MessageReceived event, Span span) {
        return publish(event, span)
                .doOnSuccess(done -> counted(bot, type, "published"))
                .onErrorResume(error -> {
                    counted(bot, type, "unavailable");
                    return Mono.empty();
                });
    }

    /** The record carries the span's traceparent (the publisher reads it from the Reactor context). */
    private Mono<Void> publish(MessageReceived event, Span span) {
        String traceparent = tracing.traceparent(span);
        return publisher.publish(event)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
                .timeout(publishPatience)
                .contextWrite(context -> traceparent == null ? context : context.put(RelayTracing.CONTEXT_KEY, traceparent))
                .doOnError(span::error)
                .doFinally(signal -> span.end());
    }

    /** The message could not be made durable: the user learns it at once rather than from a silent bubble. */
    private void unavailable(BotConfig bot, BotSocket socket, Frame frame, String streamId, Throwable error) {
        counted(bot, "message", "unavailable");
        log.error("kafka did not acknowledge for {}; finishing the stream with the unavailable text bot={} streamId={} "
                + "reqId={} cause={}", publishPatience, bot.id(), streamId, frame.reqId(), error.toString());
        socket.send(Frames.RESPOND, frame.reqId(), Frames.stream(frame.reqId(), streamId, unavailableText, true))
                .subscribe(null, sendError -> log.warn("unavailable text not delivered bot={} streamId={}", bot.id(), streamId));
    }

    private void answerEvent(BotConfig bot, BotSocket socket, Frame frame, InboundMessage message,
                             @Nullable String traceparent) {
        String eventType = String.valueOf(message.eventType());
        String reply = switch (eventType) {
            case "enter_chat" -> welcome(bot, frame.reqId());
            case "template_card_event" -> cardUpdate(bot, frame.reqId(), message);
            default -> null;
        };
        if (reply != null) {
            String cmd = eventType.equals("enter_chat") ? Frames.WELCOME : Frames.UPDATE;
            // the answer's ack comes on the socket's thread: its lines get the event's trace by hand
            socket.send(cmd, frame.reqId(), reply).subscribe(errcode -> {
                try (var trace = TraceLog.of(traceparent)) {
                    log.info("answered {} bot={} reqId={} errcode={}", eventType, bot.id(), frame.reqId(), errcode);
                }
            }, error -> {
                try (var trace = TraceLog.of(traceparent)) {
                    log.warn("{} answer not acknowledged bot={} reqId={} cause={}", eventType, bot.id(), frame.reqId(),
                            error.getMessage());
                }
            });
        }
    }

    private static @Nullable String welcome(BotConfig bot, String reqId) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        if (bot.welcomeCard() != null) {
            body.put("msgtype", "template_card").set("template_card", bot.welcomeCard());
        } else if (bot.welcome() != null) {
            body.put("msgtype", "text").putObject("text").put("content", bot.welcome());
        } else {
            return null;
        }
        return Frames.welcome(reqId, body);
    }

    /** Replaces the clicked card; WeCom binds the update to the event's task_id. */
    private static @Nullable String cardUpdate(BotConfig bot, String reqId, InboundMessage message) {
        JsonNode update = bot.cardUpdate();
        return update == null ? null
                : Frames.cardUpdate(reqId, UpdateTemplateCardReply.forClickedCard(update, message.body()).toJsonNode());
    }

    /**
     * The frame as the relay's event, or null (counted and logged, nothing published) when it is malformed or names
     * another bot: one bot's socket never speaks for another. A response_url is not carried: replies go on the socket.
     */
    private @Nullable InboundMessage message(BotConfig bot, Frame frame) {
        CallbackMeta meta;
        try {
            meta = WecomCallback.parse(frame.body()).meta();
        } catch (WecomCryptoException e) {
            counted(bot, "unknown", "malformed");
            log.warn("malformed callback frame bot={} reqId={} cause={}", bot.id(), frame.reqId(), e.getMessage());
            return null;
        }
        if (meta.aibotId() != null && !meta.aibotId().equals(bot.id())) {
            counted(bot, "unknown", "wrong_bot");
            log.warn("callback frame names another bot bot={} reqId={}", bot.id(), frame.reqId());
            return null;
        }
        return new InboundMessage(meta.msgId(), meta.msgType(), meta.eventType(), meta.chatType(), meta.chatId(),
                meta.userId(), null, null, meta.raw(), Channel.LONG_CONNECTION, frame.reqId());
    }

    /** {@code type} is one of the known message types, {@code event}, {@code other} or {@code unknown}: bounded tags. */
    private void counted(BotConfig bot, String type, String outcome) {
        meters.counter("relay.connector.inbound", "bot", bot.id(), "type", type, "outcome", outcome).increment();
    }
}
