package io.wecomrelay.llm.dify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One {@code POST /chat-messages}. Always streaming: Dify's default is blocking, which agent apps
 * reject.
 *
 * @param query          the user's message (with quoted context), never empty
 * @param user           the Dify end-user id; the same one must be used to stop the task
 * @param conversationId the conversation to continue, or null for a new one
 * @param files          Dify file objects ({@code type}, {@code transfer_method}, ...), usually empty
 */
public record ChatRequest(String query, String user, @Nullable String conversationId, List<Map<String, String>> files) {

    public ChatRequest {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(user, "user");
        files = List.copyOf(files);
    }

    public ChatRequest withoutConversation() {
        return new ChatRequest(query, user, null, files);
    }

    Map<String, Object> body() {
        var body = new LinkedHashMap<String, Object>();
        body.put("inputs", Map.of());
        body.put("query", query);
        body.put("response_mode", "streaming");
        body.put("user", user);
        if (conversationId != null) {
            body.put("conversation_id", conversationId);
        }
        if (!files.isEmpty()) {
            body.put("files", files);
        }
        return body;
    }

    // The query is user content: keep it out of logs.
    @Override
    public String toString() {
        return "ChatRequest[user=" + user + ", conversationId=" + conversationId + ", query=<" + query.length()
                + " chars>, files=" + files.size() + "]";
    }
}
