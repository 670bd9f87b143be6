package io.wecomrelay.schemas.event;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One decrypted WeCom callback as ingress received it. The routing fields are lifted out of
 * {@code body}; {@code body} keeps WeCom's plaintext JSON unchanged so that auditors see exactly
 * what arrived, including types this version does not know.
 *
 * @param msgId       WeCom's {@code msgid}, the dedup key
 * @param msgType     WeCom's {@code msgtype} ({@code text}, {@code image}, {@code event}, ...)
 * @param eventType   {@code event.eventtype} for events, otherwise null
 * @param chatType    single or group
 * @param chatId      the group chat id; null in single chats
 * @param userId      {@code from.userid}
 * @param responseUrl the one-shot URL for an active reply, when WeCom sent one and ingress's outbound policy
 *                    allowed it; the only response_url anything may post to (never {@code body.response_url})
 * @param responseUrlRefused why ingress refused the callback's response_url ({@code not_https},
 *                    {@code host_not_allowed}, {@code forbidden_address}, {@code malformed}); then
 *                    {@code responseUrl} is null. Null when it was allowed, absent, or the event predates the check.
 * @param body        the decrypted callback JSON, unchanged (a refused response_url stays in it, for auditors); for a
 *                    self-built app the decrypted XML's elements as a JSON object (names and text as received)
 * @param channel     how the message reached the relay; {@link Channel#CALLBACK} when absent (events written before
 *                    the long connection and self-built apps existed)
 * @param reqId       the long connection's {@code headers.req_id} of the frame that carried the message, which every
 *                    reply frame must echo; null for the other channels
 */
public record InboundMessage(String msgId, String msgType, @Nullable String eventType, ChatType chatType,
                             @Nullable String chatId, String userId, @Nullable String responseUrl,
                             @Nullable String responseUrlRefused, JsonNode body, Channel channel, @Nullable String reqId) {

    public InboundMessage {
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(msgType, "msgType");
        Objects.requireNonNull(chatType, "chatType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(body, "body");
        if (responseUrl != null && responseUrlRefused != null) {
            throw new IllegalArgumentException("a refused response_url is not carried");
        }
        channel = channel == null ? Channel.CALLBACK : channel;
        if (channel == Channel.LONG_CONNECTION && (reqId == null || reqId.isEmpty())) {
            throw new IllegalArgumentException("a long-connection message carries its req_id");
        }
        body = body.deepCopy();
    }

    /** An AI bot's callback message (ingress): no req_id. */
    public InboundMessage(String msgId, String msgType, @Nullable String eventType, ChatType chatType,
                          @Nullable String chatId, String userId, @Nullable String responseUrl,
                          @Nullable String responseUrlRefused, JsonNode body) {
        this(msgId, msgType, eventType, chatType, chatId, userId, responseUrl, responseUrlRefused, body,
                Channel.CALLBACK, null);
    }

    /** A message whose response_url (if any) was not refused: for tools and tests that build events directly. */
    public InboundMessage(String msgId, String msgType, @Nullable String eventType, ChatType chatType,
                          @Nullable String chatId, String userId, @Nullable String responseUrl, JsonNode body) {
        this(msgId, msgType, eventType, chatType, chatId, userId, responseUrl, null, body);
    }

    /** This message without its response_url, recording why it was refused. */
    public InboundMessage withResponseUrlRefused(String reason) {
        return new InboundMessage(msgId, msgType, eventType, chatType, chatId, userId, null,
                Objects.requireNonNull(reason, "reason"), body, channel, reqId);
    }

    /** This message as it arrived over the long connection in the frame with {@code reqId}. */
    public InboundMessage overLongConnection(String reqId) {
        return new InboundMessage(msgId, msgType, eventType, chatType, chatId, userId, responseUrl, responseUrlRefused,
                body, Channel.LONG_CONNECTION, Objects.requireNonNull(reqId, "reqId"));
    }

    // Message text, media keys and the one-shot response_url stay out of logs that print the record.
    @Override
    public String toString() {
        return "InboundMessage[msgId=" + msgId + ", msgType=" + msgType + ", eventType=" + eventType + ", chatType="
                + chatType + ", chatId=" + chatId + ", userId=" + userId + ", responseUrl="
                + (responseUrl == null ? "none" : "<" + responseUrl.length() + " chars>") + ", responseUrlRefused="
                + responseUrlRefused + ", body=<" + body.size() + " fields>, channel=" + channel + ", reqId=" + reqId + "]";
    }

    /** True for {@code msgtype: event} callbacks (enter_chat, card clicks, feedback). */
    @JsonIgnore
    public boolean isEvent() {
        return "event".equals(msgType);
    }
}
