package io.wecomrelay.schemas.wecom.reply;

import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {"msgtype":"text","text":{"content":...}}}: a welcome message, only accepted as the answer to
 * an enter_chat event.
 */
public record WelcomeTextReply(String content) implements PassiveReply {

    public WelcomeTextReply {
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String toString() {
        return "WelcomeTextReply[content=<" + content.length() + " chars>]";
    }

    @Override
    public ObjectNode toJsonNode() {
        ObjectNode root = WecomJson.mapper().createObjectNode();
        root.put("msgtype", "text");
        root.putObject("text").put("content", content);
        return root;
    }
}
