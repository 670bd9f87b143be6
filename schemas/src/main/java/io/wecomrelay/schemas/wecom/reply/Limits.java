package io.wecomrelay.schemas.wecom.reply;

import tools.jackson.databind.JsonNode;

/** Shared checks; messages give sizes and field names only. */
final class Limits {

    private Limits() {
    }

    /**
     * {@code text.getBytes(UTF_8).length}, counted without encoding (a reply is checked on every
     * refresh poll): a lone surrogate counts 1, as the encoder replaces it with {@code '?'}.
     */
    static int utf8Bytes(String text) {
        int bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static void maxBytes(String text, int limit, String field) {
        int bytes = utf8Bytes(text);
        if (bytes > limit) {
            throw new IllegalArgumentException(field + " is " + bytes + " UTF-8 bytes; WeCom accepts at most " + limit);
        }
    }

    static JsonNode card(JsonNode card) {
        if (!card.isObject()) {
            throw new IllegalArgumentException("template_card must be a JSON object, got " + card.getNodeType());
        }
        return card.deepCopy();
    }
}
