package io.wecomrelay.cli.trail;

import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.event.InboundMessage;
import tools.jackson.databind.JsonNode;

/** What the user sent, as a line of a transcript: the text where there is one, the type in brackets otherwise. */
public final class MessageText {

    private MessageText() {
    }

    public static String of(InboundMessage message) {
        JsonNode body = message.body();
        return switch (message.msgType()) {
            case "text" -> body.path("text").path("content").asString("");
            case "voice" -> body.path("voice").path("content").asString("");
            case "mixed" -> mixed(body.path("mixed").path("msg_item"));
            case "event" -> "[event " + message.eventType() + "]";
            default -> "[" + message.msgType() + "]";
        };
    }

    private static String mixed(JsonNode items) {
        var parts = new ArrayList<String>();
        for (JsonNode item : items) {
            String type = item.path("msgtype").asString("");
            parts.add("text".equals(type) ? item.path("text").path("content").asString("") : "[" + type + "]");
        }
        return String.join(" ", parts.isEmpty() ? List.of("[mixed]") : parts);
    }
}
