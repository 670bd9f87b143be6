package io.wecomrelay.benchmarks.load;

import java.time.Duration;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The load generator's HTTP client: Reactor Netty, keep-alive, a bounded connection pool with an
 * unbounded queue (a request waiting for a connection still counts from its scheduled time), its own
 * event loops. Thread-safe.
 */
public final class LoadClient implements AutoCloseable {

    /** Status and body of one answer. */
    public record Answer(int status, byte[] body) {
    }

    private final ConnectionProvider pool;
    private final LoopResources loops;
    private final HttpClient http;

    public LoadClient(String baseUrl, int maxConnections) {
        pool = ConnectionProvider.builder("bench-load").maxConnections(maxConnections).pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60)).build();
        loops = LoopResources.create("bench-load", 1, 2, true);
        http = HttpClient.create(pool).runOn(loops).baseUrl(baseUrl)
                .option(ChannelOption.TCP_NODELAY, true)
                .responseTimeout(Duration.ofSeconds(10))
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
    }

    public Mono<Answer> post(SignedRequest request) {
        return http.post().uri(request.pathAndQuery())
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request.body())))
                .responseSingle((response, body) -> body.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(response.status().code(), bytes)));
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
}
