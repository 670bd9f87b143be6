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
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stands in for WeCom's media storage: serves registered bodies under signed-looking URLs (the
 * query is percent-encoded, as COS signatures are) and answers anything else with 404. Records
 * the raw URIs it was asked for.
 */
final class MediaServer {

    private record Served(int status, byte[] body, String contentDisposition) {
    }

    private final Map<String, Served> files = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    MediaServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    requested.add(request.uri());
                    String path = request.uri().contains("?") ? request.uri().substring(0, request.uri().indexOf('?'))
                            : request.uri();
                    var served = files.get(path);
                    if (served == null) {
                        return response.status(HttpResponseStatus.NOT_FOUND).sendString(Mono.just("no such file")).then();
                    }
                    var out = response.status(served.status())
                            .header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                    if (!served.contentDisposition().isEmpty()) {
                        out = out.header(HttpHeaderNames.CONTENT_DISPOSITION, served.contentDisposition());
                    }
                    return out.sendByteArray(Mono.just(served.body())).then();
                })
                .bindNow(Duration.ofSeconds(10));
    }

    /** A URL serving {@code body} with status 200 and, unless empty, this {@code Content-Disposition}. */
    String serve(byte[] body, String contentDisposition) {
        return serve(200, body, contentDisposition);
    }

    String serve(int status, byte[] body, String contentDisposition) {
        String path = "/ww-aibot-img/" + UUID.randomUUID();
        files.put(path, new Served(status, body.clone(), contentDisposition));
        return url(path);
    }

    /** A URL nothing is served at. */
    String missing() {
        return url("/ww-aibot-img/expired-" + UUID.randomUUID());
    }

    /** Raw request URIs (path and query) received so far. */
    List<String> requested() {
        return List.copyOf(requested);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path + "?sign=q-sign-algorithm%3Dsha1%26q-sign-time%3D1733467811%3B1733468111";
    }

    /** WeCom's media encryption: AES-256-CBC, IV = first 16 key bytes, PKCS#7 padding to 32 bytes, no framing. */
    static byte[] encrypt(String encodingAesKey, byte[] plain) {
        byte[] key = WecomAesKey.fromEncodingAesKey(encodingAesKey).keyBytes();
        int pad = 32 - plain.length % 32;
        byte[] padded = Arrays.copyOf(plain, plain.length + pad);
        Arrays.fill(padded, plain.length, padded.length, (byte) pad);
        return AesCbcEngines.defaultEngine().encrypt(key, Arrays.copyOf(key, 16), padded);
    }
}
