package io.wecomrelay.sim.dify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A raw HTTP client for the simulator tests. It keeps the network chunks as they arrived, so
 * tests can look at bytes, and splits SSE frames on bytes before decoding them.
 */
final class SimClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    // no pool: a stream test that cancels must really close its connection
    private final HttpClient http = HttpClient.create(ConnectionProvider.newConnection());

    SimClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A finished response with the body chunks as received. */
    record Response(int status, @Nullable String contentType, List<byte[]> chunks) {

        byte[] bytes() {
            var out = new ByteArrayOutputStream();
            chunks.forEach(out::writeBytes);
            return out.toByteArray();
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return JSON.readTree(bytes());
        }

        List<String> frames() {
            return splitFrames(bytes(), new ByteArrayOutputStream());
        }

        /** The JSON of every {@code data:} frame; pings left out. */
        List<JsonNode> events() {
            return frames().stream().filter(f -> f.startsWith("data: ")).map(SimClient::event).toList();
        }
    }

    static ObjectNode chatBody(String user, String query) {
        var body = JSON.createObjectNode()
                .put("query", query)
                .put("response_mode", "streaming")
                .put("conversation_id", "")
                .put("user", user);
        body.putObject("inputs");
        return body;
    }

    Response chat(String apiKey, JsonNode body) {
        return post("/chat-messages", apiKey, body);
    }

    Response post(String path, @Nullable String apiKey, JsonNode body) {
        return post(path, authorization(apiKey), JSON.writeValueAsString(body));
    }

    Response post(String path, @Nullable String authorization, String body) {
        return Objects.requireNonNull(client(authorization).post().uri(baseUrl + path)
                .send(ByteBufFlux.fromString(Mono.just(body), StandardCharsets.UTF_8, ByteBufAllocator.DEFAULT))
                .response((response, content) -> content.asByteArray().collectList().map(chunks ->
                        new Response(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), chunks)))
                .single()
                .block(TIMEOUT));
    }

    /**
     * {@code POST /files/upload} as {@code multipart/form-data}: a {@code file} part (left out when
     * {@code filename} is null) and a {@code user} field (left out when null).
     */
    Response upload(String apiKey, @Nullable String filename, @Nullable String contentType, byte[] content,
                    @Nullable String user) {
        var boundary = "sim-boundary-7MA4YWxkTrZu0gW";
        var body = new ByteArrayOutputStream();
        if (user != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\n" + user
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (filename != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + filename + "\"\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return Objects.requireNonNull(http.headers(headers -> {
                    headers.set(HttpHeaderNames.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary);
                    headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
                }).post().uri(baseUrl + "/files/upload")
                .send(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(body.toByteArray())))
                .response((response, data) -> data.asByteArray().collectList().defaultIfEmpty(List.of())
                        .map(chunks -> new Response(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), chunks)))
                .single()
                .block(TIMEOUT));
    }

    Response get(String url) {
        return get(url, null);
    }

    Response get(String url, @Nullable String apiKey) {
        return Objects.requireNonNull(client(authorization(apiKey)).get().uri(url)
                .response((response, content) -> content.asByteArray().collectList().defaultIfEmpty(List.of())
                        .map(chunks -> new Response(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), chunks)))
                .single()
                .block(TIMEOUT));
    }

    /** The body chunks of a chat stream as they arrive; cancelling closes the connection. */
    Flux<byte[]> chatChunks(String apiKey, JsonNode body) {
        return chunks("/chat-messages", apiKey, body);
    }

    /** The body chunks of a stream from {@code path} ({@code /workflows/run}, ...) as they arrive. */
    Flux<byte[]> chunks(String path, String apiKey, JsonNode body) {
        return client(authorization(apiKey)).post().uri(baseUrl + path)
                .send(ByteBufFlux.fromString(Mono.just(JSON.writeValueAsString(body)), StandardCharsets.UTF_8,
                        ByteBufAllocator.DEFAULT))
                .response((response, content) -> content.asByteArray());
    }

    /** Complete SSE frames (without the blank line) as they arrive. */
    Flux<String> chatFrames(String apiKey, JsonNode body) {
        return frames("/chat-messages", apiKey, body);
    }

    /** Complete SSE frames of a stream from {@code path} as they arrive. */
    Flux<String> frames(String path, String apiKey, JsonNode body) {
        return Flux.defer(() -> {
            var pending = new ByteArrayOutputStream();
            return chunks(path, apiKey, body).concatMapIterable(chunk -> {
                pending.writeBytes(chunk);
                var all = pending.toByteArray();
                pending.reset();
                return splitFrames(all, pending);
            });
        });
    }

    static JsonNode event(String frame) {
        return JSON.readTree(frame.substring("data: ".length()));
    }

    /** Splits on the blank-line bytes, decoding only whole frames; an unfinished tail goes to {@code rest}. */
    private static List<String> splitFrames(byte[] bytes, ByteArrayOutputStream rest) {
        var frames = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                frames.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 2;
                i++;
            }
        }
        rest.write(bytes, start, bytes.length - start);
        return frames;
    }

    private HttpClient client(@Nullable String authorization) {
        return http.headers(headers -> {
            headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            headers.set(HttpHeaderNames.ACCEPT, "text/event-stream");
            if (authorization != null) headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
        });
    }

    private static @Nullable String authorization(@Nullable String apiKey) {
        return apiKey == null ? null : "Bearer " + apiKey;
    }
}
