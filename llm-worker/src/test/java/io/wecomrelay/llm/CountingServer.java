package io.wecomrelay.llm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An internal service an attacker would like the worker to reach: listens on one port of both
 * loopback addresses (127.0.0.1 and ::1) and counts every connection, so that not even a TCP
 * handshake goes unnoticed.
 */
final class CountingServer implements AutoCloseable {

    private final AtomicInteger connections = new AtomicInteger();
    private final DisposableServer v4;
    private final DisposableServer v6;

    CountingServer() {
        v4 = bind("127.0.0.1", 0);
        v6 = bind("::1", v4.port());
    }

    private DisposableServer bind(String host, int port) {
        return HttpServer.create().host(host).port(port)
                .doOnConnection(connection -> connections.incrementAndGet())
                .handle((request, response) -> response.sendString(Mono.just("internal secret")))
                .bindNow(Duration.ofSeconds(10));
    }

    int port() {
        return v4.port();
    }

    int connections() {
        return connections.get();
    }

    /** The positive control: a request the test itself makes is counted. */
    int getDirectly() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        v4.disposeNow();
        v6.disposeNow();
    }
}
