package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A JSON request body read leniently: a body that is not a JSON object becomes {@link #valid()} false. */
record RequestBody(String text, JsonNode tree, boolean valid) {

    static RequestBody parse(JsonMapper json, byte[] bytes) {
        var text = new String(bytes, StandardCharsets.UTF_8);
        try {
            var tree = json.readTree(bytes);
            return new RequestBody(text, tree, tree != null && tree.isObject());
        } catch (JacksonException e) {
            return new RequestBody(text, json.missingNode(), false);
        }
    }

    /** The field if it is a JSON string, else null. */
    @Nullable String string(String field) {
        var node = tree.path(field);
        return node.isString() ? node.stringValue() : null;
    }

    JsonNode field(String name) {
        return tree.path(name);
    }

    /** Flask's answer to a body it cannot decode. */
    void requireValid() {
        if (!valid) {
            throw new ApiErrorException(ApiError.badRequest(
                    "The browser (or proxy) sent a request that this server could not understand."));
        }
    }

    /** Dify checks {@code user} first, in its auth wrapper, for every end-user endpoint. */
    String requireUser() {
        var user = string("user");
        if (user == null || user.isEmpty()) {
            throw new ApiErrorException(ApiError.invalidParam("Arg user must be provided."));
        }
        return user;
    }
}
