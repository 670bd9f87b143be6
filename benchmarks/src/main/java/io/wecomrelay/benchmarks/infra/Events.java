package io.wecomrelay.benchmarks.infra;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Events as the services write them (same records, keys and headers), for benchmarks that start mid-pipeline. */
public final class Events {

    private Events() {
    }

    /** A single-chat text message as ingress would have received it. */
    public static InboundMessage text(String botId, String msgId, String userId, String content) {
        var body = WecomMessages.text(botId, msgId, userId, null, content);
        return new InboundMessage(msgId, "text", null, ChatType.SINGLE, null, userId,
                body.path("response_url").asString(), body);
    }

    /** What ingress publishes to {@code wecom.inbound} (key: bot id). */
    public static MessageReceived received(String botId, InboundMessage message, Instant at) {
        return new MessageReceived(meta(at), botId, StreamIds.of(botId, message.msgId()), message);
    }

    /** What the processor publishes to {@code wecom.accepted} (key: conversation key). */
    public static MessageAccepted accepted(String botId, InboundMessage message, Instant receivedAt) {
        return new MessageAccepted(meta(receivedAt), botId, StreamIds.of(botId, message.msgId()),
                ConversationKeys.of(botId, null, message.userId(), false), message, receivedAt,
                new Decision("accept", "bench"));
    }

    /** What the processor publishes to {@code wecom.rejected} (key: stream id). */
    public static MessageRejected rejected(MessageReceived received, RejectReason reason, String detail, String rule) {
        Instant at = received.meta().occurredAt();
        return new MessageRejected(new EventMeta(UUID.randomUUID(), received.meta().traceId(), at), received.botId(),
                received.streamId(), received.message(), at, reason, detail, new Decision(rule, "bench"));
    }

    /** Chunk {@code seq} of attempt 1 of the reply to {@code accepted}, as llm-worker publishes it (key: conversation key). */
    public static ReplyChunk chunk(MessageAccepted accepted, long seq, String text, boolean last, Instant at) {
        return new ReplyChunk(new EventMeta(UUID.randomUUID(), accepted.meta().traceId(), at), accepted.botId(),
                accepted.streamId(), accepted.conversationKey(), accepted.message().msgId(), 1, seq, ChunkKind.APPEND, text,
                last, null, null, java.util.List.of(), ReplyRoute.of(accepted.message()), accepted.receivedAt());
    }

    /** One response_url delivery attempt of the reply to {@code accepted}, as the responder records it (key: stream id). */
    public static DeliveryRecorded delivery(MessageAccepted accepted, int attempt, DeliveryOutcome outcome, Instant at) {
        return new DeliveryRecorded(new EventMeta(UUID.randomUUID(), accepted.meta().traceId(), at), accepted.botId(),
                accepted.streamId(), DeliveryChannel.RESPONSE_URL, 1, 1, attempt, outcome,
                outcome == DeliveryOutcome.DELIVERED ? 0 : 45009, outcome == DeliveryOutcome.DELIVERED ? "ok" : "rate limited");
    }

    public static <E extends RelayEvent> ProducerRecord<String, byte[]> record(String topic, String key, E event,
                                                                                String type, byte[] value, long timestamp) {
        var record = new ProducerRecord<>(topic, null, timestamp, key, value);
        record.headers().add(EventHeaders.TRACE_ID, event.meta().traceId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static EventMeta meta(Instant at) {
        return new EventMeta(UUID.randomUUID(), UUID.randomUUID().toString().replace("-", ""), at);
    }
}
