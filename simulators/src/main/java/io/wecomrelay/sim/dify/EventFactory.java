package io.wecomrelay.sim.dify;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON of one stream's events with Dify's field names. Each event starts with
 * {@code event, conversation_id, message_id, created_at} (Dify's converter adds those first), then
 * {@code task_id} (absent on {@code error}, as in Dify's spec), then the event's own fields.
 * Events are built when they are sent, so the factory also counts the answer sent so far, which
 * {@link #messageEnd()} reports as usage, also for a stream cut short by a stop.
 */
final class EventFactory {

    private final JsonMapper json;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final String taskId;
    private final String messageId;
    private final String conversationId;
    private final String workflowRunId;
    private final int promptTokens;
    private final long startedMillis;
    private final AtomicInteger completionTokens = new AtomicInteger();

    EventFactory(JsonMapper json, Clock clock, Supplier<UUID> ids, String taskId, String messageId,
                 String conversationId, int promptTokens) {
        this.json = json;
        this.clock = clock;
        this.ids = ids;
        this.taskId = taskId;
        this.messageId = messageId;
        this.conversationId = conversationId;
        this.workflowRunId = ids.get().toString();
        this.promptTokens = promptTokens;
        this.startedMillis = clock.millis();
    }

    ObjectNode message(String answer) {
        return answerEvent("message", answer);
    }

    ObjectNode agentMessage(String answer) {
        return answerEvent("agent_message", answer);
    }

    ObjectNode messageReplace(String answer) {
        completionTokens.set(CannedAnswer.codePointCount(answer));
        return withTask("message_replace").put("answer", answer);
    }

    /** One token per answer code point: crude, but deterministic and easy to assert. */
    ObjectNode messageEnd() {
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

    private ObjectNode withTask(String event) {
        return common(event).put("task_id", taskId);
    }

    private ObjectNode common(String event) {
        return json.createObjectNode()
                .put("event", event)
                .put("conversation_id", conversationId)
                .put("message_id", messageId)
                .put("created_at", now());
    }
}
