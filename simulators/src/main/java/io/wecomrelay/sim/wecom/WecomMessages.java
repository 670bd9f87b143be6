package io.wecomrelay.sim.wecom;

import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** Plaintext callbacks shaped like WeCom's (protocol reference §3). */
public final class WecomMessages {

    private WecomMessages() {
    }

    /** A text message; {@code chatId} null means a single chat. */
    public static ObjectNode text(String botId, String msgId, String userId, @Nullable String chatId, String content) {
        ObjectNode json = base(botId, msgId, userId, chatId, "text");
        json.put("response_url", "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=" + msgId.hashCode());
        json.putObject("text").put("content", content);
        return json;
    }

    /** The refresh WeCom sends for a stream it was given. */
    public static ObjectNode refresh(String botId, String msgId, String userId, @Nullable String chatId, String streamId) {
        ObjectNode json = base(botId, msgId, userId, chatId, "stream");
        json.putObject("stream").put("id", streamId);
        return json;
    }

    /** The enter_chat event (single chat, no chattype, like WeCom's example). */
    public static ObjectNode enterChat(String botId, String msgId, String userId) {
        ObjectNode json = WecomJson.mapper().createObjectNode();
        json.put("msgid", msgId).put("create_time", 1_700_000_000L).put("aibotid", botId);
        json.putObject("from").put("userid", userId);
        json.put("msgtype", "event");
        json.putObject("event").put("eventtype", "enter_chat");
        return json;
    }

    private static ObjectNode base(String botId, String msgId, String userId, @Nullable String chatId, String msgType) {
        ObjectNode json = WecomJson.mapper().createObjectNode();
        json.put("msgid", msgId).put("aibotid", botId);
        if (chatId != null) {
            json.put("chatid", chatId);
        }
        json.put("chattype", chatId == null ? "single" : "group");
        json.putObject("from").put("userid", userId);
        json.put("msgtype", msgType);
        return json;
    }
}
