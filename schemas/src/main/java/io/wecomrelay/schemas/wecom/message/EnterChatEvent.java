package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

/**
 * {@code event.eventtype: enter_chat}: the user opened the bot's single chat (first time that day).
 * May be answered with a welcome text or a template card.
 */
public record EnterChatEvent(CallbackMeta meta) implements WecomCallback {
    public EnterChatEvent {
        Objects.requireNonNull(meta, "meta");
    }
}
