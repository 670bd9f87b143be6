package io.wecomrelay.llm.dify;

import java.util.LinkedHashMap;

import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The fields of one Dify event that some event needs, as {@link DifyEventParser} meets them (a later
 * one replaces an earlier one of the same name), and the {@link DifyEvent} they make. Scratch of one
 * parse: filled by the parser, read once, then dropped.
 */
final class DifyEventFields {

    /** Nested parts that only some events read. */
    enum Part { METADATA, DATA, OUTPUTS }

    private final boolean skipByName;
    private @Nullable String name;
    private int names;
    private boolean skippedByName;

    @Nullable String taskId;
    @Nullable String conversationId;
    @Nullable String messageId;
    @Nullable String answer;
    @Nullable String url;
    @Nullable String belongsTo;
    @Nullable String type;
    @Nullable String thought;
    @Nullable String tool;
    @Nullable String code;
    @Nullable String message;
    /** {@code status} of an {@code error}. */
    @Nullable JsonNode status;
    /** {@code metadata.usage} of a {@code message_end}. */
    @Nullable JsonNode usage;
    @Nullable String dataText;
    @Nullable String dataReasoning;
    @Nullable String dataStatus;
    @Nullable String dataError;
    @Nullable JsonNode dataIsFinal;
    @Nullable JsonNode dataTotalTokens;
    @Nullable JsonNode dataOutputs;

    /** @param skipByName whether a part the event named so far does not read may be skipped */
    DifyEventFields(boolean skipByName) {
        this.skipByName = skipByName;
    }

    void name(@Nullable String value) {
        name = value;
        names++;
    }

    /** How many times the JSON gave the event's name. */
    int names() {
        return names;
    }

    /** True if a part was skipped because of a name that a later one may have replaced. */
    boolean skippedByName() {
        return skippedByName;
    }

    /** Whether the part is read; false (noted in {@link #skippedByName()}) when the event named so far does not need it. */
    boolean wants(Part part) {
        if (!skipByName || name == null) {
            return true;
        }
        boolean wanted = switch (part) {
            case METADATA -> name.equals("message_end");
            case DATA -> switch (name) {
                case "workflow_finished", "text_chunk", "text_replace", "reasoning_chunk" -> true;
                default -> false;
            };
            case OUTPUTS -> name.equals("workflow_finished");
        };
        skippedByName |= !wanted;
        return wanted;
    }

    /** Forgets what an earlier {@code data} held. */
    void clearData() {
        dataText = null;
        dataReasoning = null;
        dataStatus = null;
        dataError = null;
        dataIsFinal = null;
        dataTotalTokens = null;
        dataOutputs = null;
    }

    DifyEvent event() {
        var ids = new DifyEvent.Ids(taskId, conversationId, messageId);
        if (name == null) {
            return new DifyEvent.Other("", ids);
        }
        return switch (name) {
            case "message" -> new DifyEvent.Text(orEmpty(answer), DifyEvent.Source.MESSAGE, ids);
            case "agent_message" -> new DifyEvent.Text(orEmpty(answer), DifyEvent.Source.AGENT_MESSAGE, ids);
            case "message_replace" -> new DifyEvent.Replace(orEmpty(answer), ids);
            case "message_file" -> file(ids);
            case "agent_thought" -> new DifyEvent.Thought(orEmpty(thought), tool, ids);
            case "message_end" -> new DifyEvent.End(usage(usage), ids);
            case "error" -> new DifyEvent.Failure(status == null ? 500 : status.asInt(500),
                    orDefault(code, "internal_server_error"), orEmpty(message), ids);
            case "workflow_finished" -> workflowFinished(ids);
            case "text_chunk" -> new DifyEvent.Text(orEmpty(dataText), DifyEvent.Source.MESSAGE, ids);
            case "text_replace" -> new DifyEvent.Replace(orEmpty(dataText), ids);
            case "reasoning_chunk" -> new DifyEvent.Reasoning(orEmpty(dataReasoning),
                    dataIsFinal != null && dataIsFinal.asBoolean(false), ids);
            default -> new DifyEvent.Other(name, ids);
        };
    }

    private DifyEvent file(DifyEvent.Ids ids) {
        if (url == null || "user".equals(belongsTo)) {
            return new DifyEvent.Other("message_file", ids);
        }
        return new DifyEvent.File(url, orDefault(type, "file"), ids);
    }

    private DifyEvent workflowFinished(DifyEvent.Ids ids) {
        if ("failed".equals(dataStatus)) {
            return new DifyEvent.WorkflowFailed(orEmpty(dataError), ids);
        }
        long total = dataTotalTokens == null ? 0 : dataTotalTokens.asLong(0);
        var outputs = new LinkedHashMap<String, String>();
        if (dataOutputs != null) {
            dataOutputs.properties().forEach(output -> {
                JsonNode value = output.getValue();
                if (!value.isNull()) {
                    outputs.put(output.getKey(), value.isString() ? value.asString() : value.toString());
                }
            });
        }
        return new DifyEvent.WorkflowEnd(total > 0 ? new Usage(0, 0, total) : null, outputs, ids);
    }

    private static @Nullable Usage usage(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long prompt = Math.max(0, usage.path("prompt_tokens").asLong(0));
        long completion = Math.max(0, usage.path("completion_tokens").asLong(0));
        long total = Math.max(0, usage.path("total_tokens").asLong(prompt + completion));
        return new Usage(prompt, completion, total);
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
