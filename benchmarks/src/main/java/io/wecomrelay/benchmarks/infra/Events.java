package io.wecomrelay.benchmarks.infra;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
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
