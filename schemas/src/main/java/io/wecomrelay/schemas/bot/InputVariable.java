package io.wecomrelay.schemas.bot;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The names a {@code dify.inputs} template may use, each taken from the accepted message only, so that every
 * retry and redo of one message sends the same values.
 */
public enum InputVariable {
    /** The sender's WeCom user id ({@code from.userid}). */
    USER_ID("user_id"),
    /** The group chat id; empty in a single chat. */
    CHAT_ID("chat_id"),
    /** {@code single} or {@code group}. */
    CHAT_TYPE("chat_type"),
    /** The bot's id ({@code aibotid}). */
    BOT_ID("bot_id"),
    /** WeCom's {@code msgtype} of the message ({@code text}, {@code image}, {@code mixed}, ...). */
    MSGTYPE("msgtype"),
    /** When ingress received the callback, ISO-8601 UTC ({@code 2026-12-05T08:15:30.123Z}). */
    RECEIVED_AT("received_at");

    private final String templateName;

    InputVariable(String templateName) {
        this.templateName = templateName;
    }

    /** The name as written between braces. */
    public String templateName() {
        return templateName;
    }

    static Optional<InputVariable> fromTemplateName(String name) {
        return Arrays.stream(values()).filter(v -> v.templateName.equals(name)).findFirst();
    }

    static List<String> templateNames() {
        return Arrays.stream(values()).map(v -> "{" + v.templateName + "}").toList();
    }
}
