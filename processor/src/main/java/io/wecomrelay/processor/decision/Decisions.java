package io.wecomrelay.processor.decision;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.ids.ConversationKeys;

/**
 * Turns a decided case into its event. Pure: the event depends only on the case and the record
 * timestamp, so replaying the same input through a fresh application id yields identical events.
 */
final class Decisions {

    private Decisions() {
    }

    static RelayEvent toEvent(Case decided, long timestamp) {
        Ruling ruling = decided.ruling();
        if (ruling == null) {
            throw new IllegalStateException("no rule decided stream " + decided.received().streamId());
        }
        MessageReceived received = decided.received();
        EventMeta meta = new EventMeta(eventId(received, ruling), received.meta().traceId(), Instant.ofEpochMilli(timestamp));
        Decision decision = new Decision(ruling.rule(), decided.policyVersion());
        RejectReason reason = ruling.reason();
        if (reason == null) {
            return new MessageAccepted(meta, received.botId(), received.streamId(), conversationKey(decided),
                    received.message(), received.meta().occurredAt(), decision);
        }
        return new MessageRejected(meta, received.botId(), received.streamId(), received.message(),
                received.meta().occurredAt(), reason, ruling.detail(), decision);
    }

    /** The Kafka key of the decision: conversation key for acceptances, stream id for rejections. */
    static String key(RelayEvent event) {
        return event instanceof MessageAccepted accepted ? accepted.conversationKey() : event.streamId();
    }

    /** Derived from the input event and the outcome: the same input always yields the same id. */
    static UUID eventId(MessageReceived received, Ruling ruling) {
        String outcome = ruling.accepted() ? "accepted" : "rejected:" + ruling.reason();
        String name = "wecom-relay.processor.decision:" + received.meta().eventId() + ":" + outcome + ":" + ruling.rule();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String conversationKey(Case decided) {
        BotConfig bot = decided.bot();
        if (bot == null) {
            throw new IllegalStateException("accepted a message for unknown bot " + decided.received().botId());
        }
        InboundMessage message = decided.received().message();
        return ConversationKeys.of(bot.id(), message.chatId(), message.userId(), bot.groupSharedConversation());
    }
}
