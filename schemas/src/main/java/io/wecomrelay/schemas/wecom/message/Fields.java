package io.wecomrelay.schemas.wecom.message;

import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Null-tolerant reads from WeCom JSON; errors name the field path, never its value. */
final class Fields {

    private Fields() {
    }

    static JsonNode child(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null ? MissingNode.getInstance() : value;
    }

    /** A string field, or null if absent, null or not a string. Numbers are read as their digits. */
    static @Nullable String optionalString(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (value.isString()) {
            return value.stringValue();
        }
        return value.isNumber() ? value.asString() : null;
    }

    static String requiredString(JsonNode node, String field, String path) {
        String value = optionalString(node, field);
        if (value == null) {
            throw missing(path);
        }
        return value;
    }

    /** A required string that names something (an id, a type): empty is as good as missing. */
    static String requiredId(JsonNode node, String field, String path) {
        String value = requiredString(node, field, path);
        if (value.isEmpty()) {
            throw missing(path);
        }
        return value;
    }

    /** An object field; WeCom has been reported to send some objects as JSON text, so parse those. */
    static JsonNode objectOrEmbedded(JsonNode node, String field) {
        JsonNode value = child(node, field);
        if (value.isString()) {
            return WecomJson.readObject(value.stringValue());
        }
        return value;
    }

    /** An array field, also accepted as embedded JSON text; absent means empty. */
    static List<JsonNode> array(JsonNode node, String field) {
        JsonNode value = child(node, field);
        if (value.isString()) {
            value = WecomJson.readTree(value.stringValue());
        }
        if (!value.isArray()) {
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : array(node, field)) {
            if (item.isString() || item.isNumber()) {
                values.add(item.asString());
            }
        }
        return values;
    }

    static WecomCryptoException missing(String path) {
        return new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "missing or mistyped field '" + path + "'");
    }
}
