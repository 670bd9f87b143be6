package io.wecomrelay.schemas.wecom.message;

import java.time.Instant;
import java.util.Objects;

import io.wecomrelay.schemas.event.ChatType;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The fields every WeCom callback shares, plus the whole decrypted JSON.
 *
 * @param msgId       {@code msgid}: the dedup key; WeCom may deliver a callback more than once
 * @param msgType     {@code msgtype}: {@code text}, {@code image}, {@code mixed}, {@code voice}, {@code file},
 *                    {@code video}, {@code stream} (refresh), {@code event}, or something newer
 * @param eventType   {@code event.eventtype} for {@code msgtype: event}, otherwise null
 * @param aibotId     {@code aibotid}; null if WeCom left it out
 * @param chatId      {@code chatid}: only in group chats
 * @param chatType    {@code chattype}; null when absent (enter_chat) or not a value we know
 * @param userId      {@code from.userid}: the sender
 * @param corpId      {@code from.corpid}: only on some events, not for enterprise-internal bots
 * @param responseUrl {@code response_url}: one-shot URL for a later active reply; absent on refreshes
 * @param createTime  {@code create_time} (seconds) as an instant; present on events, optional elsewhere
 * @param quote       {@code quote}: the message the user quoted, if any
 * @param raw         the decrypted JSON as received (copied in and out: records stay immutable)
 */
public record CallbackMeta(String msgId, String msgType, @Nullable String eventType, @Nullable String aibotId,
                           @Nullable String chatId, @Nullable ChatType chatType, String userId,
                           @Nullable String corpId, @Nullable String responseUrl, @Nullable Instant createTime,
                           @Nullable Quote quote, JsonNode raw) {

    public CallbackMeta {
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(msgType, "msgType");
        Objects.requireNonNull(userId, "userId");
        raw = Objects.requireNonNull(raw, "raw").deepCopy();
    }

    @Override
    public JsonNode raw() {
        return raw.deepCopy();
    }

    /** True in a group chat that @-mentioned the bot. */
    public boolean isGroup() {
        return chatType == ChatType.GROUP;
    }

    // Message text and URLs stay out of logs that print the record; ids are fine.
    @Override
    public String toString() {
        return "CallbackMeta[msgId=" + msgId + ", msgType=" + msgType + ", eventType=" + eventType
                + ", aibotId=" + aibotId + ", chatId=" + chatId + ", chatType=" + chatType + ", userId=" + userId
                + ", quote=" + (quote == null ? "none" : quote.msgType()) + "]";
    }
}
