package io.wecomrelay.connector.wire;

import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import tools.jackson.databind.JsonNode;

/**
 * One frame WeCom sent: a callback ({@code cmd} set) or an ack of one of ours ({@code cmd} absent, with
 * {@code errcode}). Every frame carries {@code headers.req_id}.
 *
 * @param cmd     {@code aibot_msg_callback}, {@code aibot_event_callback}, ..., or null for an ack
 * @param reqId   {@code headers.req_id}
 * @param errcode an ack's {@code errcode} (0 = ok); 0 for callbacks
 * @param body    the frame's {@code body}, an empty object when absent
 */
public record Frame(@Nullable String cmd, String reqId, int errcode, JsonNode body) {

    public static final String MESSAGE = "aibot_msg_callback";
    public static final String EVENT = "aibot_event_callback";

    public Frame {
        Objects.requireNonNull(reqId, "reqId");
        Objects.requireNonNull(body, "body");
    }

    /** The frame in {@code text}, or null when it is not a JSON object with a req_id (logged by the caller). */
    public static @Nullable Frame parse(String text) {
        JsonNode json;
        try {
            json = WecomJson.readTree(text);
        } catch (WecomCryptoException e) {
            return null;
        }
        String reqId = json.path("headers").path("req_id").asString("");
        if (!json.isObject() || reqId.isEmpty()) {
            return null;
        }
        JsonNode cmd = json.get("cmd");
        JsonNode body = json.path("body");
        return new Frame(cmd == null || !cmd.isString() ? null : cmd.asString(), reqId, json.path("errcode").asInt(0),
                body.isObject() ? body : WecomJson.mapper().createObjectNode());
    }

    public boolean isAck() {
        return cmd == null;
    }

    /** {@code body.event.eventtype} of an event callback, else null. */
    public @Nullable String eventType() {
        JsonNode type = body.path("event").path("eventtype");
        return type.isString() ? type.asString() : null;
    }

    // a callback's body is a user's message: logs show its size only
    @Override
    public String toString() {
        return "Frame[cmd=" + cmd + ", reqId=" + reqId + ", errcode=" + errcode + ", body=<" + body.size() + " fields>]";
    }
}
