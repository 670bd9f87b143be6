package io.wecomrelay.connector.wire;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The frames the connector sends, as JSON text (protocol reference §6.2, §6.6, §6.8). */
public final class Frames {

    public static final String SUBSCRIBE = "aibot_subscribe";
    public static final String PING = "ping";
    public static final String RESPOND = "aibot_respond_msg";
    public static final String WELCOME = "aibot_respond_welcome_msg";
    public static final String UPDATE = "aibot_respond_update_msg";

    private Frames() {
    }

    /** A client-made req_id in the official SDK's format, {@code <cmd>_<epochMillis>_<8 hex>}. */
    public static String newReqId(String cmd, long epochMillis) {
        return cmd + "_" + epochMillis + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    public static String subscribe(String reqId, String botId, String secret) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("bot_id", botId).put("secret", secret);
        return frame(SUBSCRIBE, reqId, body);
    }

    public static String ping(String reqId) {
        ObjectNode frame = WecomJson.mapper().createObjectNode();
        frame.put("cmd", PING);
        frame.putObject("headers").put("req_id", reqId);
        return WecomJson.write(frame);
    }

    /**
     * A stream frame answering the callback {@code reqId}; the first use of {@code streamId} opens the bubble, and
     * it carries the feedback id (the stream id) so WeCom shows like/dislike, as ingress's first reply does.
     */
    public static String stream(String reqId, String streamId, String content, boolean finish) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("msgtype", "stream");
        ObjectNode stream = body.putObject("stream");
        stream.put("id", streamId).put("finish", finish).put("content", content);
        stream.putObject("feedback").put("id", streamId);
        return frame(RESPOND, reqId, body);
    }

    /** The enter_chat welcome: a text, or the bot's template card. */
    public static String welcome(String reqId, JsonNode body) {
        return frame(WELCOME, reqId, body);
    }

    /** The answer to a template_card_event: {@code UpdateTemplateCardReply}'s body (the card replacing the clicked one). */
    public static String cardUpdate(String reqId, JsonNode reply) {
        return frame(UPDATE, reqId, reply);
    }

    private static String frame(String cmd, String reqId, JsonNode body) {
        ObjectNode frame = WecomJson.mapper().createObjectNode();
        frame.put("cmd", cmd);
        frame.putObject("headers").put("req_id", reqId);
        frame.set("body", body);
        return WecomJson.write(frame);
    }
}
