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

/** {@code POST /v1/chat-messages}: validate like Dify, apply the scenario, stream or fail. */
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
        var receivedAt = state.config.clock().instant();
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(bytes -> respond(request, response, RequestBody.parse(state.json, bytes), receivedAt));
    }

    private Mono<Void> respond(HttpServerRequest request, HttpServerResponse response, RequestBody body,
                               Instant receivedAt) {
        var authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        var draft = new Draft(receivedAt, BearerAuth.hint(authorization), headersWithoutAuthorization(request), body);
        @Nullable Scenario scenario = null;
        try {
            var apiKey = state.auth.authenticate(authorization);
            var call = ChatCall.validate(body);
            state.inputRules().check(call.inputs());
            var settings = Directives.apply(call.query(), state.settings());
            scenario = settings.scenario();
            failIfAsked(scenario);
            if (state.config.maxConcurrentStreams() > 0
                    && state.streams.count() >= state.config.maxConcurrentStreams()) {
                throw new ApiErrorException(ApiError.tooManyRequests());
            }
            var fileCount = FileReferences.check(body.field("files"), apiKey, call.user(), state.files);
            var conversationId = conversation(apiKey, call);
            return stream(response, draft, apiKey, call, settings, conversationId, fileCount);
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
                              StreamSettings settings, String conversationId, int fileCount) {
        var ids = state.config.ids();
        var taskId = ids.get().toString();
        var messageId = ids.get().toString();
        state.conversations.addMessage(conversationId, messageId);
        var promptTokens = CannedAnswer.codePointCount(call.query()) + PROMPT_OVERHEAD_TOKENS;
        var events = new EventFactory(state.json, state.config.clock(), ids, taskId, messageId, conversationId,
                promptTokens);
        var answer = CannedAnswer.forQuery(call.query(), fileCount);
        var plan = new StreamPlan(settings, call.query(), answer, call.inputs(), state.origin());
        state.chats.add(draft.record(settings.scenario(), 200, conversationId, taskId, messageId));
        log.debug("chat streaming scenario={} conversationId={} taskId={}", settings.scenario(), conversationId, taskId);
        var task = new SseWriter.ChatTask(taskId, apiKey, call.user());
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
    private record Draft(Instant receivedAt, String apiKeyHint, Map<String, String> headers, RequestBody body) {

        RecordedChatRequest record(@Nullable Scenario scenario, int status, @Nullable String conversationId,
                                   @Nullable String taskId, @Nullable String messageId) {
            return new RecordedChatRequest(receivedAt, apiKeyHint, headers, body.text(), body.string("user"),
                    body.string("query"), body.string("conversation_id"), scenario, status, conversationId,
                    taskId, messageId);
        }
    }
}
