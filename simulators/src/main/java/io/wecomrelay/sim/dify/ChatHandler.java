package io.wecomrelay.sim.dify;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/chat-messages}, {@code /v1/completion-messages} and {@code /v1/workflows/run}: validate like Dify,
 * apply the scenario, stream or fail. Completion and workflow apps have no conversation.
 */
final class ChatHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatHandler.class);
    /** Stands in for the app's system prompt in the token count. */
    private static final int PROMPT_OVERHEAD_TOKENS = 16;

    private final SimulatorState state;
    private final JsonReplies replies;
    private final SseWriter writer;

    ChatHandler(SimulatorState state) {
        this.state = state;
        this.replies = new JsonReplies(state.json);
        this.writer = new SseWriter(state.streams, state.frames, state.config.clock());
    }

    Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return handle(request, response, AppMode.CHAT);
    }

    /** A request to the send endpoint of {@code mode}'s apps. */
    Mono<Void> handle(HttpServerRequest request, HttpServerResponse response, AppMode mode) {
        var receivedAt = state.config.clock().instant();
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(bytes -> respond(request, response, RequestBody.parse(state.json, bytes), receivedAt, mode));
    }

    private Mono<Void> respond(HttpServerRequest request, HttpServerResponse response, RequestBody body,
                               Instant receivedAt, AppMode mode) {
        var authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        var variables = state.variables();
        var draft = new Draft(receivedAt, BearerAuth.hint(authorization), headersWithoutAuthorization(request), body,
                mode, variables.query());
        @Nullable Scenario scenario = null;
        try {
            var apiKey = state.auth.authenticate(authorization);
            state.checkMode(apiKey, mode);
            var call = mode == AppMode.CHAT ? ChatCall.validate(body) : ChatCall.validateRun(body, variables.query());
            state.inputRules().check(call.inputs());
            var settings = Directives.apply(call.query(), state.settings());
            scenario = settings.scenario();
            failIfAsked(scenario);
            if (state.config.maxConcurrentStreams() > 0
                    && state.streams.count() >= state.config.maxConcurrentStreams()) {
                throw new ApiErrorException(ApiError.tooManyRequests());
            }
            var fileCount = FileReferences.check(body.field("files"), apiKey, call.user(), state.files);
            var conversationId = mode == AppMode.CHAT ? conversation(apiKey, call) : null;
            return stream(response, draft, apiKey, call, settings, conversationId, fileCount, variables);
        } catch (ApiErrorException e) {
            log.debug("chat rejected status={} code={} scenario={}", e.error().status(), e.error().code(), scenario);
            state.chats.add(draft.record(scenario, e.error().status(), null, null, null));
            return replies.error(response, e.error());
        }
    }

    private static void failIfAsked(Scenario scenario) {
        var error = switch (scenario) {
            case HTTP_400 -> ApiError.invalidParam("Simulated invalid_param (scenario HTTP_400).");
            case HTTP_404 -> ApiError.conversationNotExists();
            case HTTP_429 -> ApiError.tooManyRequests();
            case HTTP_500 -> ApiError.internalServerError();
            default -> null;
        };
        if (error != null) throw new ApiErrorException(error);
    }

    /** An absent id starts a conversation; a known id must belong to this key and user. */
    private String conversation(String apiKey, ChatCall call) {
        var requested = call.conversationId();
        if (requested == null) {
            var created = state.config.ids().get().toString();
            state.conversations.create(created, apiKey, call.user());
            return created;
        }
        if (!state.conversations.isVisible(requested, apiKey, call.user())) {
            throw new ApiErrorException(ApiError.conversationNotExists());
        }
        return requested;
    }

    private Mono<Void> stream(HttpServerResponse response, Draft draft, String apiKey, ChatCall call,
                              StreamSettings settings, @Nullable String conversationId, int fileCount,
                              WorkflowVariables variables) {
        var ids = state.config.ids();
        var taskId = ids.get().toString();
        // a workflow run has no message; its events carry message_id null
        var messageId = draft.mode() == AppMode.WORKFLOW ? null : ids.get().toString();
        if (conversationId != null && messageId != null) {
            state.conversations.addMessage(conversationId, messageId);
        } else if (messageId != null) {
            state.conversations.addLoneMessage(messageId, apiKey, call.user());
        }
        var promptTokens = CannedAnswer.codePointCount(call.query()) + PROMPT_OVERHEAD_TOKENS;
        var events = new EventFactory(state.json, state.config.clock(), ids, taskId, messageId, conversationId,
                promptTokens, draft.mode(), variables.output());
        var answer = CannedAnswer.forQuery(call.query(), fileCount);
        var plan = new StreamPlan(settings, call.query(), answer, call.inputs(), state.origin());
        state.chats.add(draft.record(settings.scenario(), 200, conversationId, taskId, messageId));
        log.debug("{} streaming scenario={} conversationId={} taskId={}", draft.mode().wireName(), settings.scenario(),
                conversationId, taskId);
        var task = new SseWriter.ChatTask(taskId, apiKey, call.user(), draft.mode());
        return writer.write(response, task, new StreamScript(plan, events, state.sse));
    }

    private static Map<String, String> headersWithoutAuthorization(HttpServerRequest request) {
        var headers = new TreeMap<String, String>();
        for (var name : request.requestHeaders().names()) {
            var lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("authorization")) {
                headers.put(lower, String.join(", ", request.requestHeaders().getAll(name)));
            }
        }
        return headers;
    }

    /** What is known about a request before the outcome is. */
    private record Draft(Instant receivedAt, String apiKeyHint, Map<String, String> headers, RequestBody body,
                         AppMode mode, String queryVariable) {

        RecordedChatRequest record(@Nullable Scenario scenario, int status, @Nullable String conversationId,
                                   @Nullable String taskId, @Nullable String messageId) {
            return new RecordedChatRequest(receivedAt, apiKeyHint, headers, body.text(), body.string("user"),
                    query(), body.string("conversation_id"), scenario, status, conversationId,
                    taskId, messageId, mode);
        }

        private @Nullable String query() {
            if (mode == AppMode.CHAT) {
                return body.string("query");
            }
            var value = body.field("inputs").path(queryVariable);
            return value.isString() ? value.stringValue() : null;
        }
    }
}
