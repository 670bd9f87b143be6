package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** One part of a {@code mixed} (图文混排) message: text or image; anything else is kept as {@link Other}. */
public sealed interface MixedItem {

    /** {@code {"msgtype":"text","text":{"content":...}}}. */
    record Text(String content) implements MixedItem {
        public Text {
            Objects.requireNonNull(content, "content");
        }

        @Override
        public String toString() {
            return "Text[<" + content.length() + " chars>]";
        }
    }

    /**
     * {@code {"msgtype":"image","image":{"url":...}}}.
     *
     * @param aesKey per-URL key, only in long-connection mode
     */
    record Image(String url, @Nullable String aesKey) implements MixedItem {
        public Image {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String toString() {
            return "Image[<url>]";
        }
    }

    /** An item type this version does not know, kept whole. */
    record Other(String msgType, JsonNode raw) implements MixedItem {
        public Other {
            Objects.requireNonNull(msgType, "msgType");
            raw = Objects.requireNonNull(raw, "raw").deepCopy();
        }

        @Override
        public JsonNode raw() {
            return raw.deepCopy();
        }

        @Override
        public String toString() {
            return "Other[msgType=" + msgType + "]";
        }
    }
}
