package io.wecomrelay.sim.dify;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Writes JSON responses the way Flask does for Dify: {@code application/json}, one body. */
final class JsonReplies {

    private final JsonMapper json;

    JsonReplies(JsonMapper json) {
        this.json = json;
    }

    Mono<Void> error(HttpServerResponse response, ApiError error) {
        var body = json.createObjectNode()
                .put("code", error.code())
                .put("message", error.message())
                .put("status", error.status());
        return send(response, error.status(), body);
    }

    Mono<Void> success(HttpServerResponse response) {
        return send(response, 200, json.createObjectNode().put("result", "success"));
    }

    Mono<Void> send(HttpServerResponse response, int status, JsonNode body) {
        return response.status(HttpResponseStatus.valueOf(status))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendByteArray(Mono.just(json.writeValueAsBytes(body)))
                .then();
    }
}
