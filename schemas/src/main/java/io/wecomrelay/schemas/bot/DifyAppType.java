package io.wecomrelay.schemas.bot;

import java.util.Locale;
import java.util.Optional;

/**
 * Which of Dify's send-message endpoints a bot's app answers on ({@code dify.app-type}); each Dify app has one
 * mode, and a key used on another mode's endpoint is refused ({@code not_chat_app}, {@code app_unavailable},
 * {@code not_workflow_app}).
 */
public enum DifyAppType {
    /** Chatbot, agent and chatflow apps: {@code POST /chat-messages} with the query and a conversation per asker. */
    CHAT,
    /** Text generators: {@code POST /completion-messages}, the query in an input variable, no conversation. */
    COMPLETION,
    /**
     * Workflows: {@code POST /workflows/run}, the query in an input variable, text from {@code text_chunk} events and
     * the answer from one output of {@code workflow_finished}; no conversation.
     */
    WORKFLOW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type for a bots-file value: {@code chat}, {@code completion}, {@code workflow}, or one of Dify's own mode
     * names ({@code GET /info}): {@code agent-chat}, {@code advanced-chat} and {@code agent} are chat apps.
     */
    public static Optional<DifyAppType> fromWire(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "chat", "agent-chat", "advanced-chat", "agent", "chatflow" -> Optional.of(CHAT);
            case "completion" -> Optional.of(COMPLETION);
            case "workflow" -> Optional.of(WORKFLOW);
            default -> Optional.empty();
        };
    }

    /** True when Dify keeps a conversation for the asker (only chat apps have one). */
    public boolean conversational() {
        return this == CHAT;
    }
}
