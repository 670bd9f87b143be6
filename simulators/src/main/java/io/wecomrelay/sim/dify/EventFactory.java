package io.wecomrelay.sim.dify;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON of one stream's events with Dify's field names. Each event starts with
 * {@code event, conversation_id, message_id, created_at} (Dify's converter adds those first), then
 * {@code task_id} (absent on {@code error}, as in Dify's spec), then the event's own fields.
 * A completion app's events have no {@code conversation_id}; a workflow run's have {@code workflow_run_id} instead
 * of both, its answer text comes as {@code text_chunk} and its end as {@code workflow_finished}, whose outputs hold
 * the text sent under the app's output variable.
 * Events are built when they are sent, so the factory also counts the answer sent so far, which
 * {@link #messageEnd()} reports as usage, also for a stream cut short by a stop.
 */
final class EventFactory {

    /** A workflow's output holds what was sent, up to this many characters (an endless answer stops growing it). */
    private static final int MAX_OUTPUT_CHARS = 1 << 20;
    /** The simulated workflow has one published version. */
    private static final String WORKFLOW_ID = "9b4c2a1e-3f5d-4e6a-8b7c-0d1e2f3a4b5c";

    private final JsonMapper json;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final String taskId;
    private final @Nullable String messageId;
    private final @Nullable String conversationId;
    private final String workflowRunId;
    private final int promptTokens;
    private final long startedMillis;
    private final AtomicInteger completionTokens = new AtomicInteger();
    private final AppMode mode;
    private final String outputVariable;
    /** The text sent so far, for a workflow's outputs; events are built one at a time, in order. */
    private final StringBuilder sent = new StringBuilder();

    /** A chat app's events. */
    EventFactory(JsonMapper json, Clock clock, Supplier<UUID> ids, String taskId, String messageId,
                 String conversationId, int promptTokens) {
        this(json, clock, ids, taskId, messageId, conversationId, promptTokens, AppMode.CHAT, "answer");
    }

    /**
     * @param messageId      null for a workflow run
     * @param conversationId null for completion and workflow apps
     * @param outputVariable the workflow output that holds the answer
     */
    EventFactory(JsonMapper json, Clock clock, Supplier<UUID> ids, String taskId, @Nullable String messageId,
                 @Nullable String conversationId, int promptTokens, AppMode mode, String outputVariable) {
        this.json = json;
        this.clock = clock;
        this.ids = ids;
        this.taskId = taskId;
        this.messageId = messageId;
        this.conversationId = conversationId;
        this.workflowRunId = ids.get().toString();
        this.promptTokens = promptTokens;
        this.startedMillis = clock.millis();
        this.mode = mode;
        this.outputVariable = outputVariable;
    }

    AppMode mode() {
        return mode;
    }

    /** More answer text: {@code message}, or a workflow's {@code text_chunk}. */
    ObjectNode message(String answer) {
        if (mode == AppMode.WORKFLOW) {
            completionTokens.addAndGet(CannedAnswer.codePointCount(answer));
            remember(answer);
            var data = newObject().put("text", answer);
            data.putArray("from_variable_selector").add("llm").add("text");
            return workflowEvent("text_chunk", data);
        }
        return answerEvent("message", answer);
    }

    /**
     * A reasoning model's thinking, as an LLM node with {@code reasoning_format: separated} sends it
     * ({@code reasoning_chunk}); the last one has {@code is_final} and no text.
     */
    ObjectNode reasoningChunk(String reasoning, boolean last) {
        var data = newObject().put("message_id", messageId).put("reasoning", reasoning).put("node_id", "llm")
                .put("is_final", last);
        var event = withTask("reasoning_chunk");
        if (mode == AppMode.WORKFLOW) {
            event.put("workflow_run_id", workflowRunId);
        }
        event.set("data", data);
        return event;
    }

    /** A workflow run's first event. */
    ObjectNode workflowStarted(JsonNode inputs) {
        var data = newObject().put("id", workflowRunId).put("workflow_id", WORKFLOW_ID);
        data.set("inputs", inputs.deepCopy());
        data.put("created_at", now()).put("reason", "initial");
        return workflowEvent("workflow_started", data);
    }

    /** A workflow's LLM node starts. */
    ObjectNode llmNodeStarted() {
        var data = newObject().put("id", "llm-" + workflowRunId).put("node_id", "llm").put("node_type", "llm")
                .put("title", "LLM").put("index", 2).put("predecessor_node_id", "start").put("created_at", now());
        return workflowEvent("node_started", data);
    }

    /**
     * How a workflow run ends: {@code workflow_finished} with {@code status} and, unless it failed, the text sent
     * as its output variable.
     */
    ObjectNode workflowFinished(String status, @Nullable String error) {
        var data = newObject().put("id", workflowRunId).put("workflow_id", WORKFLOW_ID).put("status", status);
        var outputs = data.putObject("outputs");
        if (error == null) {
            outputs.put(outputVariable, sent.toString());
        }
        data.put("error", error)
                .put("elapsed_time", latencySeconds())
                .put("total_tokens", totalTokens())
                .put("total_steps", 3)
                .put("created_at", startedMillis / 1000)
                .put("finished_at", now())
                .put("exceptions_count", 0);
        data.putArray("files");
        return workflowEvent("workflow_finished", data);
    }

    ObjectNode agentMessage(String answer) {
        return answerEvent("agent_message", answer);
    }

    ObjectNode messageReplace(String answer) {
        completionTokens.set(CannedAnswer.codePointCount(answer));
        if (mode == AppMode.WORKFLOW) {
            sent.setLength(0);
            remember(answer);
            return workflowEvent("text_replace", newObject().put("text", answer));
        }
        return withTask("message_replace").put("answer", answer);
    }

    /** What a stream sends after its task was stopped. */
    ObjectNode stopped() {
        return mode == AppMode.WORKFLOW ? workflowFinished("stopped", null) : messageEnd();
    }

    /**
     * The end of a successful answer. One token per answer code point: crude, but deterministic and easy to
     * assert.
     */
    ObjectNode messageEnd() {
        if (mode == AppMode.WORKFLOW) {
            return workflowFinished("succeeded", null);
        }
        var event = withTask("message_end").put("id", messageId);
        var metadata = event.putObject("metadata");
        UsageMetadata.fill(metadata.putObject("usage"), promptTokens, completionTokens.get(), latencySeconds());
        metadata.putArray("retriever_resources");
        event.putArray("files");
        return event;
    }

    ObjectNode error(int status, String code, String message) {
        return common("error").put("status", status).put("code", code).put("message", message);
    }

    ObjectNode agentThought(String thoughtId, int position, String thought, String observation) {
        var event = withTask("agent_thought")
                .put("id", thoughtId)
                .put("position", position)
                .put("thought", thought)
                .put("observation", observation)
                .put("tool", "dalle3")
                .put("tool_input", "{\"dalle3\": {\"prompt\": \"a cute cat\"}}");
        event.putArray("message_files");
        return event;
    }

    ObjectNode messageFile(String fileId, String url) {
        return withTask("message_file")
                .put("id", fileId)
                .put("type", "image")
                .put("belongs_to", "assistant")
                .put("url", url);
    }

    /** An event with a workflow run's fields and its {@code data}. */
    ObjectNode workflowEvent(String event, ObjectNode data) {
        var node = withTask(event).put("workflow_run_id", workflowRunId);
        node.set("data", data);
        return node;
    }

    ObjectNode newObject() {
        return json.createObjectNode();
    }

    String workflowRunId() {
        return workflowRunId;
    }

    String newId() {
        return ids.get().toString();
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    double latencySeconds() {
        return (clock.millis() - startedMillis) / 1000.0;
    }

    int totalTokens() {
        return promptTokens + completionTokens.get();
    }

    private ObjectNode answerEvent(String event, String answer) {
        completionTokens.addAndGet(CannedAnswer.codePointCount(answer));
        return withTask(event).put("id", messageId).put("answer", answer);
    }

    private void remember(String text) {
        sent.append(text, 0, Math.min(text.length(), Math.max(0, MAX_OUTPUT_CHARS - sent.length())));
    }

    private ObjectNode withTask(String event) {
        return common(event).put("task_id", taskId);
    }

    private ObjectNode common(String event) {
        var node = json.createObjectNode().put("event", event);
        switch (mode) {
            case CHAT -> node.put("conversation_id", conversationId).put("message_id", messageId);
            case COMPLETION -> node.put("message_id", messageId);
            case WORKFLOW -> node.put("workflow_run_id", workflowRunId);
        }
        return node.put("created_at", now());
    }
}
