package io.wecomrelay.sim.wecomws;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A frame a client sent, as the simulator recorded it.
 *
 * @param botId      the bot the socket was subscribed as, or null before a subscribe
 * @param cmd        the frame's {@code cmd}
 * @param reqId      its {@code headers.req_id}
 * @param body       its {@code body} (an empty object when absent)
 * @param receivedAt when it arrived
 * @param errcode    what the simulator answered
 */
public record ReceivedFrame(@Nullable String botId, String cmd, String reqId, JsonNode body, Instant receivedAt,
                            int errcode) {

    /** {@code body.stream.content} of an {@code aibot_respond_msg} stream frame, else empty. */
    public String streamContent() {
        return body.path("stream").path("content").asString("");
    }

    /** {@code body.stream.finish} of a stream frame. */
    public boolean finished() {
        return body.path("stream").path("finish").asBoolean(false);
    }

    /** {@code body.stream.id} of a stream frame, else empty. */
    public String streamId() {
        return body.path("stream").path("id").asString("");
    }

    // a frame's body is a user's reply text: logs show its size only
    @Override
    public String toString() {
        return "ReceivedFrame[botId=" + botId + ", cmd=" + cmd + ", reqId=" + reqId + ", body=<" + body.size()
                + " fields>, receivedAt=" + receivedAt + ", errcode=" + errcode + "]";
    }
}
