package io.wecomrelay.schemas.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A message the processor accepted for an answer. Topic {@code wecom.accepted}, keyed by the
 * conversation key, so one conversation stays ordered in one partition.
 *
 * @param conversationKey bot id plus chat id (shared group conversation) or user id
 * @param receivedAt      when ingress received the callback; WeCom's 6-minute stream window runs from here
 */
public record MessageAccepted(EventMeta meta, String botId, String streamId, String conversationKey,
                              InboundMessage message, Instant receivedAt, Decision decision)
        implements RelayEvent {

    public static final String TYPE = "message-accepted.v1";

    public MessageAccepted {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(conversationKey, "conversationKey");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(decision, "decision");
    }

    @Override
    public Instant messageReceivedAt() {
        return receivedAt;
    }

    @Override
    public String policyVersion() {
        return decision.policyVersion();
    }
}
