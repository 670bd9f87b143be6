package io.wecomrelay.schemas.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The final reply of one stream, for auditors: the text WeCom was shown (a passive stream's content at its finish)
 * or was sent (response_url, webhook, app message; {@code wecom.deliveries} says whether it arrived), and how the
 * stream finished. Topic {@code wecom.replies}, keyed by stream id, kept as long as the messages it answers (the
 * chunks it was folded from are kept a week). One per finished stream: the responder writes it in the Redis step
 * that finishes the stream and publishes it before it commits the record that finished it; a redelivery before
 * the record was marked published writes the same bytes again (its event id is {@link #eventIdOf derived} from the
 * stream id), so a reader keeps one record per event id.
 *
 * @param msgId         WeCom's msgid of the message answered
 * @param chatType      single or group, as in the message
 * @param chatId        the group chat id; null in single chats
 * @param userId        who wrote the message
 * @param channel       how the text reaches WeCom
 * @param text          the whole answer, also when it took several messages (at most the responder's
 *                      {@code stream.max-answer-size}; a cut answer ends with the truncation note)
 * @param truncated     the answer was cut: at the responder's {@code stream.max-answer-size}, or at WeCom's 20,480
 *                      bytes where the rest has nowhere to go (response_url and long-connection bots)
 * @param errorCode     on {@link ReplyFinish#FAILED} only: the error's stable code, e.g. {@code completion_request_error}
 * @param errorDetail   a short secret-free explanation: a failed answer's error detail, a rejection's detail from
 *                      the processor; null when there is none
 * @param rejectReason  on {@link ReplyFinish#REJECTED} only: why the processor refused the message
 * @param finishedAt    when the responder finished the stream (also {@code meta.occurredAt})
 * @param receivedAt    when ingress accepted the message
 * @param policyVersion the hash of the bot settings that applied ({@code BotConfig#policyVersion()}): for a rejection
 *                      the one the processor decided under, for an answer the one the responder finished it under;
 *                      {@code none} for a bot the bots file does not know
 */
public record ReplyRecorded(EventMeta meta, String botId, String streamId, String msgId, ChatType chatType,
                            @Nullable String chatId, String userId, ReplyChannel channel, String text, boolean truncated,
                            ReplyFinish finish, @Nullable String errorCode, @Nullable String errorDetail,
                            @Nullable RejectReason rejectReason, Instant finishedAt, Instant receivedAt,
                            String policyVersion)
        implements RelayEvent {

    public static final String TYPE = "reply-recorded.v1";

    public ReplyRecorded {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(chatType, "chatType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finish, "finish");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(policyVersion, "policyVersion");
        if ((finish == ReplyFinish.FAILED) != (errorCode != null)) {
            throw new IllegalArgumentException("a FAILED reply, and only that, has an error code");
        }
        if ((finish == ReplyFinish.REJECTED) != (rejectReason != null)) {
            throw new IllegalArgumentException("a REJECTED reply, and only that, has a reject reason");
        }
    }

    /** The event id of a stream's record: the same for every copy, so that readers can drop repeats. */
    public static UUID eventIdOf(String streamId) {
        return UUID.nameUUIDFromBytes((TYPE + '\n' + streamId).getBytes(StandardCharsets.UTF_8));
    }

    /** This record with its final text, once the fold that finished the stream knows it. */
    public ReplyRecorded withText(String finalText, boolean cut) {
        return new ReplyRecorded(meta, botId, streamId, msgId, chatType, chatId, userId, channel, finalText, cut, finish,
                errorCode, errorDetail, rejectReason, finishedAt, receivedAt, policyVersion);
    }

    @Override
    public Instant messageReceivedAt() {
        return receivedAt;
    }

    // The reply's text stays out of logs that print the record.
    @Override
    public String toString() {
        return "ReplyRecorded[meta=" + meta + ", botId=" + botId + ", streamId=" + streamId + ", msgId=" + msgId
                + ", chatType=" + chatType + ", chatId=" + chatId + ", userId=" + userId + ", channel=" + channel
                + ", text=<" + text.length() + " chars>, truncated=" + truncated + ", finish=" + finish + ", errorCode="
                + errorCode + ", errorDetail=" + errorDetail + ", rejectReason=" + rejectReason + ", finishedAt="
                + finishedAt + ", receivedAt=" + receivedAt + ", policyVersion=" + policyVersion + "]";
    }
}
