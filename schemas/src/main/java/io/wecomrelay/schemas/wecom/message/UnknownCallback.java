package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

/**
 * A callback whose {@code msgtype} (or {@code event.eventtype}) this version does not know, e.g. the
 * long-connection-only {@code disconnected_event}. The full JSON is in {@link #raw()}; the event type,
 * if any, in {@code meta().eventType()}.
 */
public record UnknownCallback(CallbackMeta meta) implements WecomCallback {
    public UnknownCallback {
        Objects.requireNonNull(meta, "meta");
    }
}
