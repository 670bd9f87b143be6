package io.wecomrelay.sim.wecom;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What the server answered to one callback.
 *
 * @param status HTTP status
 * @param reply  the decrypted passive reply, or null for an empty body or an error status
 * @param body   the raw body (for error statuses)
 */
public record CallbackResponse(int status, @Nullable JsonNode reply, String body) {

    public boolean isEmptyReply() {
        return status == 200 && reply == null;
    }

    /** {@code stream.content} of a stream reply, or null. */
    public @Nullable String streamContent() {
        return reply == null ? null : reply.path("stream").path("content").asString(null);
    }

    /** {@code stream.finish} of a stream reply. */
    public boolean streamFinished() {
        return reply != null && reply.path("stream").path("finish").asBoolean(false);
    }

    public @Nullable String streamId() {
        return reply == null ? null : reply.path("stream").path("id").asString(null);
    }
}
