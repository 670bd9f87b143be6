package io.wecomrelay.benchmarks.sse;

import java.util.LinkedHashMap;

import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The baseline of {@link SseBenchmark}: the llm-worker's {@code DifyEventParser} as it was before issue 22 (commit
 * {@code fa76354}), copied unchanged but for its names: every event read into a {@code JsonNode} tree with
 * {@code readTree}. Not used by any service.
 */
final class LegacyDifyEventParser {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private LegacyDifyEventParser() {
    }

    static DifyEvent parse(LegacySseFrame frame) {
        if (frame.data() == null || frame.data().isBlank()) {
            // "event: ping" and any other data-less event only prove the stream is alive
            return new DifyEvent.Ping();
        }
        JsonNode node;
        try {
            node = JSON.readTree(frame.data());
        } catch (JacksonException e) {
            return new DifyEvent.Other("unparseable", DifyEvent.Ids.NONE);
        }
        if (node == null || !node.isObject()) {
            return new DifyEvent.Other("unparseable", DifyEvent.Ids.NONE);
        }
        return parse(node);
    }

    static DifyEvent parse(JsonNode node) {
        String name = text(node, "event");
        var ids = new DifyEvent.Ids(text(node, "task_id"), text(node, "conversation_id"), text(node, "message_id"));
        if (name == null) {
            return new DifyEvent.Other("", ids);
        }
        return switch (name) {
            case "message" -> new DifyEvent.Text(orEmpty(text(node, "answer")), DifyEvent.Source.MESSAGE, ids);
            case "agent_message" -> new DifyEvent.Text(orEmpty(text(node, "answer")), DifyEvent.Source.AGENT_MESSAGE, ids);
            case "message_replace" -> new DifyEvent.Replace(orEmpty(text(node, "answer")), ids);
            case "message_file" -> file(node, ids);
            case "agent_thought" -> new DifyEvent.Thought(orEmpty(text(node, "thought")), text(node, "tool"), ids);
            case "message_end" -> new DifyEvent.End(usage(node.path("metadata").path("usage")), ids);
            case "error" -> new DifyEvent.Failure(node.path("status").asInt(500),
                    orDefault(text(node, "code"), "internal_server_error"), orEmpty(text(node, "message")), ids);
            case "workflow_finished" -> workflowFinished(node, ids);
            case "text_chunk" -> new DifyEvent.Text(orEmpty(text(node.path("data"), "text")), DifyEvent.Source.MESSAGE,
                    ids);
            case "text_replace" -> new DifyEvent.Replace(orEmpty(text(node.path("data"), "text")), ids);
            case "reasoning_chunk" -> new DifyEvent.Reasoning(orEmpty(text(node.path("data"), "reasoning")),
                    node.path("data").path("is_final").asBoolean(false), ids);
            default -> new DifyEvent.Other(name, ids);
        };
    }

    private static DifyEvent file(JsonNode node, DifyEvent.Ids ids) {
        String url = text(node, "url");
        String belongsTo = text(node, "belongs_to");
        if (url == null || "user".equals(belongsTo)) {
            return new DifyEvent.Other("message_file", ids);
        }
        return new DifyEvent.File(url, orDefault(text(node, "type"), "file"), ids);
    }

    private static DifyEvent workflowFinished(JsonNode node, DifyEvent.Ids ids) {
        JsonNode data = node.path("data");
        if ("failed".equals(text(data, "status"))) {
            return new DifyEvent.WorkflowFailed(orEmpty(text(data, "error")), ids);
        }
        long total = data.path("total_tokens").asLong(0);
        var outputs = new LinkedHashMap<String, String>();
        data.path("outputs").properties().forEach(output -> {
            JsonNode value = output.getValue();
            if (!value.isNull()) {
                outputs.put(output.getKey(), value.isString() ? value.asString() : value.toString());
            }
        });
        return new DifyEvent.WorkflowEnd(total > 0 ? new Usage(0, 0, total) : null, outputs, ids);
    }

    private static @Nullable Usage usage(JsonNode usage) {
        if (!usage.isObject()) {
            return null;
        }
        long prompt = Math.max(0, usage.path("prompt_tokens").asLong(0));
        long completion = Math.max(0, usage.path("completion_tokens").asLong(0));
        long total = Math.max(0, usage.path("total_tokens").asLong(prompt + completion));
        return new Usage(prompt, completion, total);
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asString();
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
