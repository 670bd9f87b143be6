package io.wecomrelay.schemas.wecom.reply;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;

/** Shared checks; messages give sizes and field names only. */
final class Limits {

    private Limits() {
    }

    static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
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
