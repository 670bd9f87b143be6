package io.wecomrelay.schemas.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;

/**
 * Every event on a wecom-relay topic. The JSON form carries a {@code type} property such as
 * {@code message-received.v1}: the event's name and, after the dot, its schema version ({@code .v1}). An additive
 * change (a new optional field) keeps the version; a breaking one is a new record with a new version. Consumers
 * reject an unknown type (the serde throws {@link UnknownEventTypeException}, which error handlers route to the
 * dead-letter topic). Every type also carries the {@link #policyVersion() policy version} of the bot settings that
 * applied when it was written.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MessageReceived.class, name = MessageReceived.TYPE),
        @JsonSubTypes.Type(value = MessageAccepted.class, name = MessageAccepted.TYPE),
        @JsonSubTypes.Type(value = MessageRejected.class, name = MessageRejected.TYPE),
        @JsonSubTypes.Type(value = ReplyChunk.class, name = ReplyChunk.TYPE),
        @JsonSubTypes.Type(value = DeliveryRecorded.class, name = DeliveryRecorded.TYPE),
        @JsonSubTypes.Type(value = StreamChanged.class, name = StreamChanged.TYPE),
        @JsonSubTypes.Type(value = ReplyRecorded.class, name = ReplyRecorded.TYPE)})
public sealed interface RelayEvent
        permits MessageReceived, MessageAccepted, MessageRejected, ReplyChunk, DeliveryRecorded, StreamChanged,
        ReplyRecorded {

    /** Who, when and which trace; never null. */
    EventMeta meta();

    /** The WeCom {@code aibotid} this event belongs to. */
    String botId();

    /** The reply stream this event belongs to, derived from (bot id, msgid) by {@code StreamIds}. */
    String streamId();

    /**
     * The policy version ({@code BotConfig#policyVersion()}, the one version of a bot's settings every service
     * computes alike from its bots file) of the bot settings the writer applied: {@code none} when its bots file did
     * not know the bot; null when unknown, on records written before their type carried it.
     */
    @Nullable String policyVersion();

    /**
     * When ingress accepted the message this event belongs to (WeCom's stream window and the response_url's
     * lifetime run from here). An event that does not carry it (a record written before its type had
     * {@code receivedAt}, or the receipt itself) gives its own event time instead, which is never earlier:
     * an age measured from it errs towards young, so a reply is never skipped for want of the field.
     */
    default Instant messageReceivedAt() {
        return meta().occurredAt();
    }
}
