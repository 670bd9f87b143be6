package io.wecomrelay.schemas.testing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.event.Usage;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import tools.jackson.databind.node.ObjectNode;

/** Sample events for tests of every module (shipped in the schemas test-jar). */
public final class Events {

    public static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private Events() {
    }

    public static EventMeta meta(Instant at) {
        return new EventMeta(UUID.nameUUIDFromBytes(at.toString().getBytes()), "trace-" + at.toEpochMilli(), at);
    }

    /** A text message in a single chat. */
    public static InboundMessage text(String msgId, String userId, String content) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgid", msgId).put("aibotid", "bot-1").put("chattype", "single").put("msgtype", "text");
        body.putObject("from").put("userid", userId);
        body.putObject("text").put("content", content);
        return new InboundMessage(msgId, "text", null, ChatType.SINGLE, null, userId,
                "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=CODE", body);
    }

    public static MessageReceived received(String botId, String msgId, Instant at) {
        return new MessageReceived(meta(at), botId, StreamIds.of(botId, msgId), text(msgId, "zhangsan", "你好 hello"));
    }

    /** A text message that arrived over the long connection in the frame with {@code reqId}. */
    public static MessageReceived receivedOverLongConnection(String botId, String msgId, String reqId, Instant at) {
        MessageReceived received = received(botId, msgId, at);
        return new MessageReceived(received.meta(), botId, received.streamId(),
                received.message().overLongConnection(reqId));
    }

    public static StreamChanged streamChanged(String botId, String msgId) {
        return new StreamChanged(meta(T0), botId, StreamIds.of(botId, msgId));
    }

    public static MessageAccepted accepted(String botId, String msgId, Instant at) {
        MessageReceived received = received(botId, msgId, at);
        return new MessageAccepted(meta(at), botId, received.streamId(),
                ConversationKeys.of(botId, null, "zhangsan", true), received.message(), at, new Decision("accept", "abc123"));
    }

    public static MessageRejected rejected(String botId, String msgId, Instant at, RejectReason reason) {
        MessageReceived received = received(botId, msgId, at);
        return new MessageRejected(meta(at), botId, received.streamId(), received.message(), at, reason,
                reason.name().toLowerCase(java.util.Locale.ROOT), new Decision("rate-limit", "abc123"));
    }

    public static ReplyChunk chunk(String botId, String msgId, int attempt, long seq, String text, boolean last) {
        return new ReplyChunk(meta(T0.plusMillis(seq)), botId, StreamIds.of(botId, msgId),
                ConversationKeys.of(botId, null, "zhangsan", true), msgId, attempt, seq, ChunkKind.APPEND, text, last,
                null, last ? new Usage(10, 20, 30) : null, List.of(), ReplyRoute.of(text(msgId, "zhangsan", "q")), T0);
    }

    public static ReplyChunk failedChunk(String botId, String msgId, int attempt, long seq) {
        ReplyChunk chunk = chunk(botId, msgId, attempt, seq, "抱歉，出错了。", true);
        return new ReplyChunk(chunk.meta(), botId, chunk.streamId(), chunk.conversationKey(), msgId, attempt, seq,
                ChunkKind.APPEND, chunk.text(), true, new ChunkError("completion_request_error", chunk.text()), null,
                List.of("https://example.com/cat.png"), chunk.route(), chunk.receivedAt());
    }

    /** A last chunk whose answer had two images the worker fetched (a PNG and a JPG). */
    public static ReplyChunk chunkWithImages(String botId, String msgId, int attempt, long seq) {
        ReplyChunk chunk = chunk(botId, msgId, attempt, seq, "Here is the chart:", true);
        return chunk.withImages(ChunkKind.REPLACE, chunk.text(), List.of(), List.of(
                new ReplyImage(StreamStateKeys.imageKey(chunk.streamId(), attempt, 0), "0123456789abcdef0123456789abcdef",
                        2_048, ImageFormat.PNG),
                new ReplyImage(StreamStateKeys.imageKey(chunk.streamId(), attempt, 1), "fedcba9876543210fedcba9876543210",
                        4_096, ImageFormat.JPG)));
    }

    public static DeliveryRecorded delivery(String botId, String msgId) {
        return new DeliveryRecorded(meta(T0), botId, StreamIds.of(botId, msgId), DeliveryChannel.WEBHOOK, 1, 2, 1,
                DeliveryOutcome.DELIVERED, 0, "ok");
    }

    /** A reply given up for good: the outbound policy refused its response_url. */
    public static DeliveryRecorded failedDelivery(String botId, String msgId) {
        return new DeliveryRecorded(meta(T0), botId, StreamIds.of(botId, msgId), DeliveryChannel.RESPONSE_URL, 1, 1, 1,
                DeliveryOutcome.FAILED, null, "response_url refused: forbidden_address", DeliveryFailure.REFUSED_URL, T0);
    }

    /** A reply not sent because its message was older than the maximum reply age when its stream finished. */
    public static DeliveryRecorded skippedDelivery(String botId, String msgId) {
        return new DeliveryRecorded(meta(T0.plusSeconds(7200)), botId, StreamIds.of(botId, msgId), DeliveryChannel.WEBHOOK,
                1, 1, 1, DeliveryOutcome.SKIPPED, null, "message older than max-reply-age PT1H", DeliveryFailure.TOO_OLD, T0);
    }

    /** The final reply of a passive stream that finished normally. */
    public static ReplyRecorded reply(String botId, String msgId) {
        String streamId = StreamIds.of(botId, msgId);
        Instant finished = T0.plusSeconds(4);
        return new ReplyRecorded(new EventMeta(ReplyRecorded.eventIdOf(streamId), "trace-" + T0.toEpochMilli(), finished),
                botId, streamId, msgId, ChatType.SINGLE, null, "zhangsan", ReplyChannel.STREAM, "你好，世界！", false,
                ReplyFinish.FINISHED, null, null, null, finished, T0, "abc123");
    }

    /** The final reply of a webhook bot's answer in a group that ended with an error. */
    public static ReplyRecorded failedReply(String botId, String msgId) {
        ReplyRecorded reply = reply(botId, msgId);
        return new ReplyRecorded(reply.meta(), botId, reply.streamId(), msgId, ChatType.GROUP, "chat-1", "zhangsan",
                ReplyChannel.WEBHOOK, "抱歉，出错了。", false, ReplyFinish.FAILED, "completion_request_error", "http_502",
                null, reply.finishedAt(), T0, "abc123");
    }

    /** The final reply of a rate-limited message of a response_url bot. */
    public static ReplyRecorded rejectedReply(String botId, String msgId) {
        ReplyRecorded reply = reply(botId, msgId);
        return new ReplyRecorded(reply.meta(), botId, reply.streamId(), msgId, ChatType.SINGLE, null, "zhangsan",
                ReplyChannel.RESPONSE_URL, "慢一点", false, ReplyFinish.REJECTED, null, "rate_limited",
                RejectReason.RATE_LIMITED, reply.finishedAt(), T0, "abc123");
    }
}
