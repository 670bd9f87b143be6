package io.wecomrelay.sim.dify;

import java.util.Locale;

/**
 * The kind of Dify app a request talks to, by its endpoint: {@code POST /v1/chat-messages} (chat, agent and chatflow
 * apps), {@code POST /v1/completion-messages} (text generators) or {@code POST /v1/workflows/run} (workflows). A key
 * can be bound to one mode ({@link DifySimulator#appMode}); then, as in Dify, the other endpoints refuse it.
 */
public enum AppMode {
    /** Query and conversation; {@code message} events, {@code message_end}. */
    CHAT,
    /** The query in an input variable, no conversation; {@code message} events without a conversation id, {@code message_end}. */
    COMPLETION,
    /**
     * The query in an input variable, no conversation or message id; {@code workflow_started}, {@code node_started},
     * {@code text_chunk} events, {@code workflow_finished} with the answer in one output.
     */
    WORKFLOW;

    /** Dify's {@code mode} in {@code GET /info}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What Dify answers a key of another mode on this mode's endpoint. */
    ApiError wrongEndpoint() {
        return switch (this) {
            case CHAT -> new ApiError(400, "not_chat_app", "Please check if your app mode matches the right API route.");
            case COMPLETION -> new ApiError(400, "app_unavailable", "App unavailable, please check your app configurations.");
            case WORKFLOW -> new ApiError(400, "not_workflow_app", "Please check if your app mode matches the right API route.");
        };
    }
}
