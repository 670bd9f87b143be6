package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

/**
 * {@code msgtype: voice} (single chat only). WeCom has already transcribed the speech.
 *
 * @param content {@code voice.content}: the transcript
 */
public record VoiceMessage(CallbackMeta meta, String content) implements WecomCallback {
    public VoiceMessage {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String toString() {
        return "VoiceMessage[" + meta + ", content=<" + content.length() + " chars>]";
    }
}
