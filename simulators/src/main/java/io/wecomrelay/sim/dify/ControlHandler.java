package io.wecomrelay.sim.dify;

import java.util.Objects;
import java.util.function.Function;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;

/** The small endpoints: stop, feedback and app info. */
final class ControlHandler {

    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);

    private final SimulatorState state;
    private final JsonReplies replies;

    ControlHandler(SimulatorState state) {
        this.state = state;
        this.replies = new JsonReplies(state.json);
    }

    /** {@code POST /v1/chat-messages/{taskId}/stop}: success even when nothing was stopped, as in Dify. */
    Mono<Void> stop(HttpServerRequest request, HttpServerResponse response) {
        return stop(request, response, AppMode.CHAT);
    }

    /**
     * The stop endpoint of {@code mode}'s apps: {@code /chat-messages/{taskId}/stop},
     * {@code /completion-messages/{taskId}/stop} or {@code /workflows/tasks/{taskId}/stop}.
     */
    Mono<Void> stop(HttpServerRequest request, HttpServerResponse response, AppMode mode) {
        var taskId = Objects.requireNonNull(request.param("taskId"), "route has {taskId}");
        return withBody(request, response, body -> {
            var apiKey = state.auth.authenticate(authorization(request));
            state.checkMode(apiKey, mode);
            body.requireValid();
            var user = body.string("user");
            var stopped = user != null && !user.isEmpty() && state.streams.stop(taskId, apiKey, user);
            state.stops.add(new RecordedStop(state.config.clock().instant(), BearerAuth.hint(authorization(request)),
                    taskId, user, stopped));
            body.requireUser();
            log.debug("stop taskId={} stoppedStream={}", taskId, stopped);
            return replies.success(response);
        });
    }

    /** {@code POST /v1/messages/{messageId}/feedbacks}: the message must belong to this key and user. */
    Mono<Void> feedback(HttpServerRequest request, HttpServerResponse response) {
        var messageId = Objects.requireNonNull(request.param("messageId"), "route has {messageId}");
        return withBody(request, response, body -> {
            var apiKey = state.auth.authenticate(authorization(request));
            body.requireValid();
            var user = body.requireUser();
            var rating = rating(body.field("rating"));
            if (!state.conversations.isMessageVisible(messageId, apiKey, user)) {
                throw new ApiErrorException(ApiError.notFound("Message Not Exists."));
            }
            state.feedbacks.add(new RecordedFeedback(state.config.clock().instant(),
                    BearerAuth.hint(authorization(request)), messageId, rating, user, body.string("content")));
            return replies.success(response);
        });
    }

    /** {@code GET /v1/info}: clients call it at start-up to learn the app mode. */
    Mono<Void> info(HttpServerRequest request, HttpServerResponse response) {
        String apiKey;
        try {
            apiKey = state.auth.authenticate(authorization(request));
        } catch (ApiErrorException e) {
            return replies.error(response, e.error());
        }
        var info = state.json.createObjectNode()
                .put("name", "dify-sim")
                .put("description", "Dify API simulator");
        info.putArray("tags");
        info.put("mode", state.mode(apiKey).wireName()).put("author_name", "wecom-relay");
        return replies.send(response, 200, info);
    }

    private static @Nullable String rating(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) return null;
        if (node.isString() && (node.stringValue().equals("like") || node.stringValue().equals("dislike"))) {
            return node.stringValue();
        }
        throw new ApiErrorException(ApiError.invalidParam("rating must be 'like', 'dislike' or null"));
    }

    private Mono<Void> withBody(HttpServerRequest request, HttpServerResponse response,
                                Function<RequestBody, Mono<Void>> handler) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(bytes -> {
                    try {
                        return handler.apply(RequestBody.parse(state.json, bytes));
                    } catch (ApiErrorException e) {
                        return replies.error(response, e.error());
                    }
                });
    }

    private static @Nullable String authorization(HttpServerRequest request) {
        return request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    }
}
