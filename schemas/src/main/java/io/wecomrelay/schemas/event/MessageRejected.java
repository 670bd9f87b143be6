package io.wecomrelay.schemas.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A message the processor refused. Topic {@code wecom.rejected}, keyed by stream id. The responder
 * turns it into a finished stream with a user-facing text, except for {@link RejectReason#DUPLICATE}.
 *
 * @param detail a short, secret-free explanation for operators (e.g. the unsupported type's name)
 */
public record MessageRejected(EventMeta meta, String botId, String streamId, InboundMessage message,
                              Instant receivedAt, RejectReason reason, String detail, Decision decision)
        implements RelayEvent {

    public static final String TYPE = "message-rejected.v1";

    public MessageRejected {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
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
