package io.wecomrelay.schemas.wecom.message;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The message a user quoted ({@code quote}): its {@code msgtype} and the object under that key, e.g.
 * {@code {"msgtype":"text","text":{"content":"..."}}} gives {@code msgType = "text"} and
 * {@code content = {"content":"..."}}.
 *
 * @param msgType {@code text}, {@code image}, {@code mixed}, {@code voice}, {@code file}, {@code video}, ...
 * @param content the payload object; a missing node if WeCom sent none
 */
public record Quote(String msgType, JsonNode content) {

    public Quote {
        Objects.requireNonNull(msgType, "msgType");
        content = Objects.requireNonNull(content, "content").deepCopy();
    }

    @Override
    public JsonNode content() {
        return content.deepCopy();
    }

    /** The quoted text for {@code text} and {@code voice} quotes, else null. */
    public @Nullable String text() {
        return "text".equals(msgType) || "voice".equals(msgType) ? Fields.optionalString(content, "content") : null;
    }

    /** The media URL for {@code image}, {@code file} and {@code video} quotes, else null. */
    public @Nullable String url() {
        return "image".equals(msgType) || "file".equals(msgType) || "video".equals(msgType)
                ? Fields.optionalString(content, "url") : null;
    }

    /** The items of a quoted {@code mixed} message, else empty. */
    public List<MixedItem> items() {
        return "mixed".equals(msgType) ? CallbackParser.mixedItems(content) : List.of();
    }

    // Quoted user content stays out of logs that print the record.
    @Override
    public String toString() {
        return "Quote[msgType=" + msgType + "]";
    }
}
