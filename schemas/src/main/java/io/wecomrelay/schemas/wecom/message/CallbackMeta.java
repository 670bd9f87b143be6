package io.wecomrelay.schemas.wecom.message;

import java.time.Instant;
import java.util.Objects;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The fields every WeCom callback shares, plus the whole decrypted JSON. Immutable; equal when all
 * fields are equal.
 *
 * <p>A final class rather than a record so that the parser can hand over the tree it just built
 * without the defensive copy a record's constructor would make on every callback; everyone else
 * goes through the public constructor, which copies.
 */
public final class CallbackMeta {

    private final String msgId;
    private final String msgType;
    private final @Nullable String eventType;
    private final @Nullable String aibotId;
    private final @Nullable String chatId;
    private final ChatType chatType;
    private final String userId;
    private final @Nullable String corpId;
    private final @Nullable String responseUrl;
    private final @Nullable Instant createTime;
    private final @Nullable Quote quote;
    private final JsonNode raw;

    public CallbackMeta(String msgId, String msgType, @Nullable String eventType, @Nullable String aibotId,
                        @Nullable String chatId, ChatType chatType, String userId,
                        @Nullable String corpId, @Nullable String responseUrl, @Nullable Instant createTime,
                        @Nullable Quote quote, JsonNode raw) {
        this(msgId, msgType, eventType, aibotId, chatId, chatType, userId, corpId, responseUrl, createTime, quote,
                Objects.requireNonNull(raw, "raw").deepCopy(), true);
    }

    /** Takes {@code raw} without copying: only for trees nobody else holds (the parser's own). */
    CallbackMeta(String msgId, String msgType, @Nullable String eventType, @Nullable String aibotId,
                 @Nullable String chatId, ChatType chatType, String userId,
                 @Nullable String corpId, @Nullable String responseUrl, @Nullable Instant createTime,
                 @Nullable Quote quote, JsonNode ownedRaw, boolean owned) {
        this.msgId = Objects.requireNonNull(msgId, "msgId");
        this.msgType = Objects.requireNonNull(msgType, "msgType");
        this.eventType = eventType;
        this.aibotId = aibotId;
        this.chatId = chatId;
        this.chatType = Objects.requireNonNull(chatType, "chatType");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.corpId = corpId;
        this.responseUrl = responseUrl;
        this.createTime = createTime;
        this.quote = quote;
        this.raw = Objects.requireNonNull(ownedRaw, "raw");
    }

    /** {@code msgid}: the dedup key; WeCom may deliver a callback more than once. */
    public String msgId() {
        return msgId;
    }

    /** {@code msgtype}: {@code text}, {@code image}, {@code mixed}, {@code voice}, {@code file},
     * {@code video}, {@code stream} (refresh), {@code event}, or something newer. */
    public String msgType() {
        return msgType;
    }

    /** {@code event.eventtype} for {@code msgtype: event}, otherwise null. */
    public @Nullable String eventType() {
        return eventType;
    }

    /** {@code aibotid}; null if WeCom left it out. */
    public @Nullable String aibotId() {
        return aibotId;
    }

    /** {@code chatid}: only in group chats. */
    public @Nullable String chatId() {
        return chatId;
    }

    /** {@code chattype}; {@code single} when absent (enter_chat), see {@link CallbackParser} for the rule. */
    public ChatType chatType() {
        return chatType;
    }

    /** {@code from.userid}: the sender. */
    public String userId() {
        return userId;
    }

    /** {@code from.corpid}: only on some events, not for enterprise-internal bots. */
    public @Nullable String corpId() {
        return corpId;
    }

    /** {@code response_url}: one-shot URL for a later active reply; absent on refreshes. */
    public @Nullable String responseUrl() {
        return responseUrl;
    }

    /** {@code create_time} (seconds) as an instant; present on events, optional elsewhere. */
    public @Nullable Instant createTime() {
        return createTime;
    }

    /** {@code quote}: the message the user quoted, if any. */
    public @Nullable Quote quote() {
        return quote;
    }

    /** The decrypted JSON as received; a copy, safe to modify. */
    public JsonNode raw() {
        return raw.deepCopy();
    }

    /**
     * This callback as the relay's event payload: the routing fields lifted out, the JSON as received as its body
     * (copied once, by the message).
     */
    public InboundMessage toInboundMessage() {
        return new InboundMessage(msgId, msgType, eventType, chatType, chatId, userId, responseUrl, raw);
    }

    /** True in a group chat that @-mentioned the bot. */
    public boolean isGroup() {
        return chatType == ChatType.GROUP;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof CallbackMeta that
                && msgId.equals(that.msgId)
                && msgType.equals(that.msgType)
                && Objects.equals(eventType, that.eventType)
                && Objects.equals(aibotId, that.aibotId)
                && Objects.equals(chatId, that.chatId)
                && chatType == that.chatType
                && userId.equals(that.userId)
                && Objects.equals(corpId, that.corpId)
                && Objects.equals(responseUrl, that.responseUrl)
                && Objects.equals(createTime, that.createTime)
                && Objects.equals(quote, that.quote)
                && raw.equals(that.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(msgId, msgType, eventType, aibotId, chatId, chatType, userId, corpId, responseUrl,
                createTime, quote, raw);
    }

    // Message text and URLs stay out of logs that print the record; ids are fine.
    @Override
    public String toString() {
        return "CallbackMeta[msgId=" + msgId + ", msgType=" + msgType + ", eventType=" + eventType
                + ", aibotId=" + aibotId + ", chatId=" + chatId + ", chatType=" + chatType + ", userId=" + userId
                + ", quote=" + (quote == null ? "none" : quote.msgType()) + "]";
    }
}
