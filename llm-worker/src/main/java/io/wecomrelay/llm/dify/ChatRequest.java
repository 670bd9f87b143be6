package io.wecomrelay.llm.dify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.DifyAppType;
import org.jspecify.annotations.Nullable;

/**
 * One request for an answer: {@code POST /chat-messages}, or for completion and workflow apps
 * {@code /completion-messages} and {@code /workflows/run} ({@link #body(DifyApp)}). Always streaming: Dify's default
 * is blocking, which agent apps reject.
 *
 * @param query          the user's message (with quoted context), never empty
 * @param user           the Dify end-user id; the same one must be used to stop the task
 * @param conversationId the conversation to continue, or null for a new one
 * @param files          Dify file objects ({@code type}, {@code transfer_method}, ...), usually empty
 * @param inputs         the app's input variables ({@code dify.inputs} and the asker's token), in order
 * @param headers        extra HTTP headers (the asker's token, when the bot passes it as a header)
 */
public record ChatRequest(String query, String user, @Nullable String conversationId, List<Map<String, String>> files,
                          Map<String, String> inputs, Map<String, String> headers) {

    public ChatRequest {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(user, "user");
        files = List.copyOf(files);
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        headers = Map.copyOf(headers);
    }

    /** A request without inputs or extra headers. */
    public ChatRequest(String query, String user, @Nullable String conversationId, List<Map<String, String>> files) {
        this(query, user, conversationId, files, Map.of(), Map.of());
    }

    public ChatRequest withoutConversation() {
        return new ChatRequest(query, user, null, files, inputs, headers);
    }

    /** This request with the Dify file objects of its uploads. */
    public ChatRequest withFiles(List<Map<String, String>> uploaded) {
        return new ChatRequest(query, user, conversationId, uploaded, inputs, headers);
    }

    /** This request with {@code value} as input {@code name} (replacing one of that name). */
    public ChatRequest withInput(String name, String value) {
        var more = new LinkedHashMap<>(inputs);
        more.put(name, value);
        return new ChatRequest(query, user, conversationId, files, more, headers);
    }

    /** This request with header {@code name} set to {@code value}. */
    public ChatRequest withHeader(String name, String value) {
        var more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ChatRequest(query, user, conversationId, files, inputs, more);
    }

    /**
     * The JSON body for {@code app}'s endpoint. A chat app gets {@code query} and the conversation; completion and
     * workflow apps have neither, and get the query as their query input variable instead.
     */
    Map<String, Object> body(DifyApp app) {
        if (app.appType() == DifyAppType.CHAT || app.queryVariable() == null) {
            return body();
        }
        var withQuery = new LinkedHashMap<>(inputs);
        withQuery.put(app.queryVariable(), query);
        var body = new LinkedHashMap<String, Object>();
        body.put("inputs", withQuery);
        body.put("response_mode", "streaming");
        body.put("user", user);
        if (!files.isEmpty()) {
            body.put("files", files);
        }
        return body;
    }

    Map<String, Object> body() {
        var body = new LinkedHashMap<String, Object>();
        body.put("inputs", inputs);
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

    // The query is user content and inputs and headers may carry the asker's token: keep them out of logs.
    @Override
    public String toString() {
        return "ChatRequest[user=" + user + ", conversationId=" + conversationId + ", query=<" + query.length()
                + " chars>, files=" + files.size() + ", inputs=" + inputs.size() + ", headers=" + headers.size() + "]";
    }
}
