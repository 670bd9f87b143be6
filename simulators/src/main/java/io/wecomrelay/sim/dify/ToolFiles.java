package io.wecomrelay.sim.dify;

import java.util.Base64;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Dify's file URLs, like its signed ones without a key: {@code GET /files/tools/{name}}, the image a
 * {@code message_file} points at (a 1×1 PNG, or {@link SimImages#jpg()} for a name ending in {@code .jpg}), and
 * {@code GET /files/images/{name}}, the files of {@link Scenario#IMAGES} ({@link SimImages}).
 */
final class ToolFiles {

    /** A 1×1 PNG. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int PIECE = 64 * 1024;

    private ToolFiles() {
    }

    static Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        String name = request.param("name");
        boolean jpg = name != null && name.endsWith(".jpg");
        return send(response, jpg ? "image/jpeg" : "image/png", jpg ? SimImages.jpg() : PNG);
    }

    static Mono<Void> serveImage(HttpServerRequest request, HttpServerResponse response) {
        String name = String.valueOf(request.param("name"));
        return switch (name) {
            case SimImages.CHART -> send(response, "image/png", SimImages.png());
            case SimImages.NOTES -> send(response, "image/png", SimImages.text());
            case SimImages.BIG -> big(response);
            default -> response.status(HttpResponseStatus.NOT_FOUND).send().then();
        };
    }

    private static Mono<Void> send(HttpServerResponse response, String contentType, byte[] bytes) {
        return response.header(HttpHeaderNames.CONTENT_TYPE, contentType)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
                .sendByteArray(Mono.just(bytes))
                .then();
    }

    /** Generated piece by piece: a client that believes the Content-Length reads none of it. */
    private static Mono<Void> big(HttpServerResponse response) {
        int rest = SimImages.BIG_BYTES - PNG_SIGNATURE.length;
        var pieces = Flux.range(0, (rest + PIECE - 1) / PIECE)
                .map(i -> Unpooled.wrappedBuffer(new byte[Math.min(PIECE, rest - i * PIECE)]));
        return response.header(HttpHeaderNames.CONTENT_TYPE, "image/png")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(SimImages.BIG_BYTES))
                .send(Flux.concat(Mono.just(Unpooled.wrappedBuffer(PNG_SIGNATURE)), pieces))
                .then();
    }
}
