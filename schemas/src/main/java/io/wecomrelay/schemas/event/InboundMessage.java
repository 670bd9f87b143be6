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
 * @param responseUrl the one-shot URL for an active reply, when WeCom sent one
 * @param body        the decrypted callback JSON
 */
public record InboundMessage(String msgId, String msgType, @Nullable String eventType, ChatType chatType,
                             @Nullable String chatId, String userId, @Nullable String responseUrl,
                             JsonNode body) {

    public InboundMessage {
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(msgType, "msgType");
        Objects.requireNonNull(chatType, "chatType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(body, "body");
        body = body.deepCopy();
    }

    /** True for {@code msgtype: event} callbacks (enter_chat, card clicks, feedback). */
    @JsonIgnore
    public boolean isEvent() {
        return "event".equals(msgType);
    }
}
