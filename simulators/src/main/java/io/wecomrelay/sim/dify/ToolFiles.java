package io.wecomrelay.sim.dify;

import java.util.Base64;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET /files/tools/{name}}: the image that {@link Scenario#AGENT}'s {@code message_file}
 * points at, so a client that downloads it gets a real PNG. Like Dify's signed file URLs, no key.
 */
final class ToolFiles {

    /** A 1×1 PNG. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private ToolFiles() {
    }

    static Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        return response.header(HttpHeaderNames.CONTENT_TYPE, "image/png")
                .sendByteArray(Mono.just(PNG))
                .then();
    }
}
