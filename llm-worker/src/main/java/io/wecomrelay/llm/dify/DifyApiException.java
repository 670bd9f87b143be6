package io.wecomrelay.llm.dify;

import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dify refused a request before streaming: {@code {"code","message","status"}} with a non-2xx
 * status. The message is Dify's and never contains our key; it may quote the request, so it is
 * not logged at INFO.
 */
public final class DifyApiException extends RuntimeException {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int status;
    private final String code;

    public DifyApiException(int status, String code, String message) {
        super(status + " " + code + ": " + message);
        this.status = status;
        this.code = code;
    }

    /** Reads Dify's error envelope; a body that is not one gives the code {@code http_<status>}. */
    static DifyApiException from(int status, byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject() && node.path("code").isString()) {
                return new DifyApiException(status, node.path("code").asString(), node.path("message").asString(""));
            }
        } catch (JacksonException e) {
            // not JSON: a proxy's error page, for example
        }
        String snippet = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return new DifyApiException(status, "http_" + status, snippet);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Worth another try before the stream starts: rate limits and server errors. */
    public boolean retryable() {
        return status == 429 || status >= 500;
    }

    /** The conversation id we sent is unknown to this app and user, or has ended: start a new one. */
    public boolean conversationGone() {
        return (status == 404 && "not_found".equals(code)) || "conversation_completed".equals(code);
    }
}
