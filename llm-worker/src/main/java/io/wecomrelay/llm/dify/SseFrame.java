package io.wecomrelay.llm.dify;

import org.jspecify.annotations.Nullable;

/**
 * One server-sent event as it was on the wire.
 *
 * @param event the {@code event:} field, or null (Dify sends one only for {@code ping})
 * @param data  the {@code data:} lines joined by newlines, or null when the event had none
 */
record SseFrame(@Nullable String event, @Nullable String data) {

    // the data is a whole Dify event: answer text, file URLs, error messages
    @Override
    public String toString() {
        return "SseFrame[event=" + event + ", data=" + (data == null ? "none" : "<" + data.length() + " chars>") + "]";
    }
}
