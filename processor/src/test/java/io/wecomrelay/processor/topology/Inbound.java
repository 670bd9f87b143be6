package io.wecomrelay.processor.topology;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import tools.jackson.databind.node.ObjectNode;

/** Inbound events as ingress publishes them, and the bots of {@code bots.yaml}. */
public final class Inbound {

    public static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private Inbound() {
    }

    public static BotRegistry bots() {
        try (InputStream in = Inbound.class.getResourceAsStream("/bots.yaml")) {
            return new BotRegistryLoader(name -> null).parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text message in a single chat; every call is a new callback (new event id), even for the same msgid. */
    public static MessageReceived text(String botId, String msgId, String userId, Instant at) {
        return message(botId, msgId, "text", ChatType.SINGLE, null, userId, at);
    }

    public static MessageReceived inGroup(String botId, String msgId, String chatId, String userId, Instant at) {
        return message(botId, msgId, "text", ChatType.GROUP, chatId, userId, at);
    }

    public static MessageReceived ofType(String botId, String msgId, String msgType, Instant at) {
        return message(botId, msgId, msgType, ChatType.SINGLE, null, "zhangsan", at);
    }

    /** A self-built app's message of {@code msgType} (its XML elements as body, no response_url). */
    public static MessageReceived appMessage(String botId, String msgId, String msgType, Instant at) {
        ObjectNode body = EventSerde.mapper().createObjectNode().put("MsgType", msgType).put("FromUserName", "zhangsan");
        var message = new InboundMessage(msgId, msgType, null, ChatType.SINGLE, null, "zhangsan", null, null, body,
                Channel.APP, null);
        return received(botId, message, at);
    }

    public static MessageReceived event(String botId, String msgId, String eventType, Instant at) {
        ObjectNode body = body(botId, msgId, "event", ChatType.SINGLE, null, "zhangsan");
        body.putObject("event").put("eventtype", eventType);
        var message = new InboundMessage(msgId, "event", eventType, ChatType.SINGLE, null, "zhangsan", null, body);
        return received(botId, message, at);
    }

    private static MessageReceived message(String botId, String msgId, String msgType, ChatType chatType,
                                           String chatId, String userId, Instant at) {
        ObjectNode body = body(botId, msgId, msgType, chatType, chatId, userId);
        body.putObject(msgType).put("content", "你好 " + msgId);
        var message = new InboundMessage(msgId, msgType, null, chatType, chatId, userId,
                "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=" + msgId, body);
        return received(botId, message, at);
    }

    private static ObjectNode body(String botId, String msgId, String msgType, ChatType chatType, String chatId, String userId) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgid", msgId).put("aibotid", botId).put("chattype", chatType.wireName()).put("msgtype", msgType);
        if (chatId != null) {
            body.put("chatid", chatId);
        }
        body.putObject("from").put("userid", userId);
        return body;
    }

    private static MessageReceived received(String botId, InboundMessage message, Instant at) {
        var meta = new EventMeta(UUID.randomUUID(), "trace-" + message.msgId(), at);
        return new MessageReceived(meta, botId, StreamIds.of(botId, message.msgId()), message);
    }
}
