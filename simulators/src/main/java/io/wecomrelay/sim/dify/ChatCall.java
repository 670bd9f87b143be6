package io.wecomrelay.sim.dify;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated request body, checked in Dify's order: {@code user} (auth wrapper), then the
 * payload model ({@code query}, {@code inputs}, {@code files}), then {@code conversation_id}.
 *
 * @param query          the text to answer: the chat's {@code query}, or a completion's or workflow's query input
 * @param conversationId null for a new conversation (absent or empty in the request), and always for completion and
 *                       workflow apps, which have none
 */
record ChatCall(String user, String query, JsonNode inputs, @Nullable String conversationId) {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    static ChatCall validate(RequestBody body) {
        body.requireValid();
        var user = body.requireUser();
        var query = body.string("query");
        if (query == null) throw invalid("query: Field required; it must be a string");
        var inputs = payload(body);
        return new ChatCall(user, query, inputs, conversationId(body));
    }

    /**
     * A completion or workflow run: no top-level query and no conversation; the text to answer is the app's query
     * input ({@code queryVariable}), which its form requires.
     */
    static ChatCall validateRun(RequestBody body, String queryVariable) {
        body.requireValid();
        var user = body.requireUser();
        var inputs = payload(body);
        var query = inputs.path(queryVariable);
        if (!query.isString() || query.stringValue().isBlank()) {
            throw invalid(queryVariable + " is required in input form");
        }
        return new ChatCall(user, query.stringValue(), inputs, null);
    }

    /** The checks every send endpoint shares; returns {@code inputs}. */
    private static JsonNode payload(RequestBody body) {
        var inputs = body.field("inputs");
        if (!inputs.isObject()) throw invalid("inputs: Field required; it must be an object");
        var files = body.field("files");
        if (!files.isMissingNode() && !files.isNull() && !files.isArray()) {
            throw invalid("files: Input should be a valid list");
        }
        if (!"streaming".equals(body.string("response_mode"))) {
            // blocking is Dify's default, but the relay must always stream; fail loudly instead
            throw invalid("dify-sim implements response_mode \"streaming\" only");
        }
        return inputs;
    }

    private static @Nullable String conversationId(RequestBody body) {
        var node = body.field("conversation_id");
        if (node.isMissingNode() || node.isNull() || (node.isString() && node.stringValue().isEmpty())) {
            return null;
        }
        if (!node.isString() || !UUID.matcher(node.stringValue()).matches()) {
            throw invalid("conversation_id must be a valid UUID");
        }
        return node.stringValue();
    }

    private static ApiErrorException invalid(String message) {
        return new ApiErrorException(ApiError.invalidParam(message));
    }
}
