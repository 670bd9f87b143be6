package io.wecomrelay.schemas.event;

import java.util.Objects;

/**
 * A verified, decrypted WeCom callback that Kafka acknowledged before ingress answered WeCom.
 * Topic {@code wecom.inbound}, keyed by bot id. A WeCom retry produces a second event with the same
 * msgid and stream id; the processor decides which one counts.
 */
public record MessageReceived(EventMeta meta, String botId, String streamId, InboundMessage message)
        implements RelayEvent {

    public static final String TYPE = "message-received.v1";

    public MessageReceived {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(message, "message");
    }
}
