package io.wecomrelay.llm;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomAesKey;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Stands in for WeCom's media storage: serves registered bodies under signed-looking URLs (the
 * query is percent-encoded, as COS signatures are) and answers anything else with 404. Records
 * the raw URIs it was asked for. Besides whole bodies it can hold a response back: never answer,
 * or send the first part of a body and the rest only when a gate opens (or never).
 */
public final class MediaServer implements AutoCloseable {

    /** What one path answers. */
    private interface Answer {
        Publisher<Void> send(HttpServerResponse response);
    }

    private final Map<String, Answer> files = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    public MediaServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    requested.add(request.uri());
                    String path = request.uri().contains("?") ? request.uri().substring(0, request.uri().indexOf('?'))
                            : request.uri();
                    var answer = files.get(path);
                    if (answer == null) {
                        return response.status(HttpResponseStatus.NOT_FOUND).sendString(Mono.just("no such file")).then();
                    }
                    return answer.send(response);
                })
                .bindNow(Duration.ofSeconds(10));
    }

    public int port() {
        return server.port();
    }

    /** A URL serving {@code body} with status 200 and, unless empty, this {@code Content-Disposition}. */
    public String serve(byte[] body, String contentDisposition) {
        return serve(200, body, contentDisposition);
    }

    public String serve(int status, byte[] body, String contentDisposition) {
        byte[] copy = body.clone();
        return register(response -> {
            var out = response.status(status).header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            if (!contentDisposition.isEmpty()) {
                out = out.header(HttpHeaderNames.CONTENT_DISPOSITION, contentDisposition);
            }
            return out.sendByteArray(Mono.just(copy));
        });
    }

    /** A URL whose connection is accepted and never answered, not even with headers. */
    public String silent() {
        return register(response -> Mono.never());
    }

    /**
     * A URL that answers 200 with {@code Content-Length} of the whole body (unless {@code chunked}),
     * sends its first {@code firstBytes} and the rest once {@code gate} completes ({@code Mono.never()}:
     * never).
     */
    public String gated(byte[] body, int firstBytes, Mono<Void> gate, boolean chunked) {
        byte[] copy = body.clone();
        return register(response -> {
            var out = response.status(200).header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            if (!chunked) {
                out = out.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(copy.length));
            }
            return out.sendByteArray(Flux.concat(Mono.just(Arrays.copyOf(copy, firstBytes)),
                    gate.then(Mono.fromSupplier(() -> Arrays.copyOfRange(copy, firstBytes, copy.length)))));
        });
    }

    /** A URL nothing is served at. */
    public String missing() {
        return url("/ww-aibot-img/expired-" + UUID.randomUUID());
    }

    /** Raw request URIs (path and query) received so far. */
    public List<String> requested() {
        return List.copyOf(requested);
    }

    /** Whether the URL's path was asked for. */
    public boolean wasRequested(String url) {
        String path = url.substring(url.indexOf('/', "http://".length()), url.indexOf('?'));
        return requested.stream().anyMatch(uri -> uri.startsWith(path));
    }

    private String register(Answer answer) {
        String path = "/ww-aibot-img/" + UUID.randomUUID();
        files.put(path, answer);
        return url(path);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path + "?sign=q-sign-algorithm%3Dsha1%26q-sign-time%3D1733467811%3B1733468111";
    }

    /** WeCom's media encryption: AES-256-CBC, IV = first 16 key bytes, PKCS#7 padding to 32 bytes, no framing. */
    public static byte[] encrypt(String encodingAesKey, byte[] plain) {
        return encrypt(WecomAesKey.fromEncodingAesKey(encodingAesKey).keyBytes(), plain);
    }

    /** The same with raw key bytes (a long-connection {@code aeskey}). */
    public static byte[] encrypt(byte[] key, byte[] plain) {
        int pad = 32 - plain.length % 32;
        byte[] padded = Arrays.copyOf(plain, plain.length + pad);
        Arrays.fill(padded, plain.length, padded.length, (byte) pad);
        return AesCbcEngines.defaultEngine().encrypt(key, Arrays.copyOf(key, 16), padded);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
