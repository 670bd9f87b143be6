package io.wecomrelay.sim.dify;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code POST /v1/chat-messages}, {@code /v1/completion-messages} or {@code /v1/workflows/run} as the simulator
 * saw it, including rejected ones.
 *
 * @param receivedAt             when the request arrived
 * @param apiKeyHint             the bearer key, masked ({@code app-…-key}); never the full key
 * @param headers                request headers with lower-case names, without {@code Authorization}
 * @param body                   the raw JSON body as text
 * @param user                   {@code user} from the body, if it was a string
 * @param query                  {@code query} from the body, if it was a string; for a completion or workflow app the
 *                               query input variable's value ({@link DifySimulator#workflowVariables}), if a string
 * @param conversationId         {@code conversation_id} as sent (may be empty), if it was a string
 * @param scenario               the scenario that answered, or null if validation rejected the request
 * @param status                 the HTTP status sent back
 * @param assignedConversationId the conversation the stream used, null when no stream started
 * @param taskId                 the stream's {@code task_id}, null when no stream started
 * @param messageId              the stream's {@code message_id}, null when no stream started
 * @param mode                   the endpoint the request came to
 */
public record RecordedChatRequest(Instant receivedAt, String apiKeyHint, Map<String, String> headers, String body,
                                  @Nullable String user, @Nullable String query, @Nullable String conversationId,
                                  @Nullable Scenario scenario, int status, @Nullable String assignedConversationId,
                                  @Nullable String taskId, @Nullable String messageId, AppMode mode) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public RecordedChatRequest {
        headers = Map.copyOf(headers);
    }

    /** {@code inputs} from the body, parsed afresh on each call (missing node if absent or unparseable). */
    public JsonNode inputs() {
        return field("inputs");
    }

    /** {@code files} from the body, parsed afresh on each call (missing node if absent or unparseable). */
    public JsonNode files() {
        return field("files");
    }

    private JsonNode field(String name) {
        try {
            return JSON.readTree(body).path(name);
        } catch (RuntimeException e) {
            return JSON.missingNode();
        }
    }
}
