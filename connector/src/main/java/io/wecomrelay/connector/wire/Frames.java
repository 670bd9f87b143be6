package io.wecomrelay.connector.wire;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The frames the connector sends, as JSON text (protocol reference §6.2, §6.6, §6.8, §6.9). */
public final class Frames {

    public static final String SUBSCRIBE = "aibot_subscribe";
    public static final String PING = "ping";
    public static final String RESPOND = "aibot_respond_msg";
    public static final String WELCOME = "aibot_respond_welcome_msg";
    public static final String UPDATE = "aibot_respond_update_msg";
    public static final String UPLOAD_INIT = "aibot_upload_media_init";
    public static final String UPLOAD_CHUNK = "aibot_upload_media_chunk";
    public static final String UPLOAD_FINISH = "aibot_upload_media_finish";

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

    /** An {@code image} message answering the callback {@code reqId}, of a media id an upload returned. */
    public static String image(String reqId, String mediaId) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("msgtype", "image");
        body.putObject("image").put("media_id", mediaId);
        return frame(RESPOND, reqId, body);
    }

    /** A {@code markdown} message answering the callback {@code reqId} (at most 20,480 bytes of content). */
    public static String markdown(String reqId, String content) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", content);
        return frame(RESPOND, reqId, body);
    }

    /** Starts an upload of {@code totalChunks} chunks; WeCom checks {@code md5} (hex, of the whole file) at the finish. */
    public static String uploadInit(String reqId, String type, String filename, int totalSize, int totalChunks, String md5) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("type", type).put("filename", filename).put("total_size", totalSize).put("total_chunks", totalChunks)
                .put("md5", md5);
        return frame(UPLOAD_INIT, reqId, body);
    }

    /** One chunk (at most 512 KB before base64) of the upload {@code uploadId}. */
    public static String uploadChunk(String reqId, String uploadId, int chunkIndex, String base64) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("upload_id", uploadId).put("chunk_index", chunkIndex).put("base64_data", base64);
        return frame(UPLOAD_CHUNK, reqId, body);
    }

    public static String uploadFinish(String reqId, String uploadId) {
        ObjectNode body = WecomJson.mapper().createObjectNode();
        body.put("upload_id", uploadId);
        return frame(UPLOAD_FINISH, reqId, body);
    }

    private static String frame(String cmd, String reqId, JsonNode body) {
        ObjectNode frame = WecomJson.mapper().createObjectNode();
        frame.put("cmd", cmd);
        frame.putObject("headers").put("req_id", reqId);
        frame.set("body", body);
        return WecomJson.write(frame);
    }
}
