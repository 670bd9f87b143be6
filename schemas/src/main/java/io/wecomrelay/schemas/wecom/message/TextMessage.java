package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

/**
 * {@code msgtype: text}, single chat or group chat with an @-mention.
 *
 * @param content {@code text.content}, verbatim: the {@code @BotName} mention stays in, at any position
 */
public record TextMessage(CallbackMeta meta, String content) implements WecomCallback {
    public TextMessage {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String toString() {
        return "TextMessage[" + meta + ", content=<" + content.length() + " chars>]";
    }
}
