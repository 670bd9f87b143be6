package io.wecomrelay.schemas.event;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A verified, decrypted WeCom callback that Kafka acknowledged before ingress answered WeCom.
 * Topic {@code wecom.inbound}, keyed by bot id. A WeCom retry produces a second event with the same
 * msgid and stream id; the processor decides which one counts.
 *
 * @param policyVersion the policy version of the bot settings ingress (or the connector) received the message under
 *                      ({@code BotConfig#policyVersion()}); null on records written before it existed
 */
public record MessageReceived(EventMeta meta, String botId, String streamId, InboundMessage message,
                              @Nullable String policyVersion)
        implements RelayEvent {

    public static final String TYPE = "message-received.v1";

    public MessageReceived {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(message, "message");
    }

    /** A receipt without the policy version (tools and tests that build events directly). */
    public MessageReceived(EventMeta meta, String botId, String streamId, InboundMessage message) {
        this(meta, botId, streamId, message, null);
    }
}
