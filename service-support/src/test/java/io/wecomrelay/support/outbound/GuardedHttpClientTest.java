package io.wecomrelay.support.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.outbound.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real server on loopback counts what reaches it; the guarded client must reach it only when listed. */
class GuardedHttpClientTest {

    private final AtomicInteger requests = new AtomicInteger();
    private DisposableServer server;
    private int port;

    @BeforeEach
    void startServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .get("/ok", (request, response) -> {
                            requests.incrementAndGet();
                            return response.sendString(Mono.just("ok"));
                        })
                        .get("/redirect", (request, response) -> {
                            requests.incrementAndGet();
                            return response.status(302).header("Location", "http://127.0.0.1:" + port + "/ok").send();
                        }))
                .bindNow();
        port = server.port();
    }

    @AfterEach
    void stopServer() {
        server.disposeNow();
    }

    @Test
    void anExactlyListedLiteralIsReached() {
        var client = GuardedHttpClient.guard(HttpClient.create(), OutboundPolicy.of(List.of("http://127.0.0.1:" + port)));

        assertThat(get(client, "http://127.0.0.1:" + port + "/ok")).isEqualTo(200);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aLiteralThatIsNotListedIsNeverConnected() {
        var client = GuardedHttpClient.guard(HttpClient.create(), OutboundPolicy.of(List.of("http://127.0.0.1:" + (port + 1))));

        for (String url : List.of("http://127.0.0.1:" + port + "/ok", "http://[::ffff:127.0.0.1]:" + port + "/ok",
                "http://localhost:" + port + "/ok")) {
            assertThatThrownBy(() -> get(client, url)).as(url).hasRootCauseInstanceOf(OutboundRefusedException.class);
        }
        assertThat(requests).hasValue(0);
    }

    /** DNS rebinding: the name is listed, and what it resolves to at connect time is internal. */
    @Test
    void aListedNameThatResolvesToAnInternalAddressIsRefusedBeforeConnecting() {
        var rebinding = HttpClient.create().resolver(new FixedResolverGroup("wecom-media.test", "127.0.0.1"));
        var client = GuardedHttpClient.guard(rebinding, OutboundPolicy.of(List.of("http://wecom-media.test:" + port)));

        assertThatThrownBy(() -> get(client, "http://wecom-media.test:" + port + "/ok"))
                .hasRootCauseInstanceOf(OutboundRefusedException.class)
                .rootCause().extracting(e -> ((OutboundRefusedException) e).refusal()).isEqualTo(Refusal.FORBIDDEN_ADDRESS);
        assertThat(requests).hasValue(0);
    }

    @Test
    void redirectsAreAnswersNotInstructions() {
        var client = GuardedHttpClient.guard(HttpClient.create(), OutboundPolicy.of(List.of("http://127.0.0.1:" + port)));

        assertThat(get(client, "http://127.0.0.1:" + port + "/redirect")).isEqualTo(302);
        assertThat(requests).hasValue(1);
    }

    private static int get(HttpClient client, String url) {
        Integer status = client.get().uri(url)
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
                .block(Duration.ofSeconds(10));
        return status == null ? -1 : status;
    }

    /** Resolves one name to one address, like a DNS server under an attacker's control. */
    private static final class FixedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

        private final String name;
        private final String address;

        FixedResolverGroup(String name, String address) {
            this.name = name;
            this.address = address;
        }

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new AbstractAddressResolver<>(executor) {
                @Override
                protected boolean doIsResolved(InetSocketAddress a) {
                    return !a.isUnresolved();
                }

                @Override
                protected void doResolve(InetSocketAddress a, Promise<InetSocketAddress> promise) throws Exception {
                    promise.setSuccess(new InetSocketAddress(lookup(a), a.getPort()));
                }

                @Override
                protected void doResolveAll(InetSocketAddress a, Promise<List<InetSocketAddress>> promise) throws Exception {
                    promise.setSuccess(List.of(new InetSocketAddress(lookup(a), a.getPort())));
                }

                private InetAddress lookup(InetSocketAddress a) throws Exception {
                    if (!a.getHostString().equals(name)) {
                        throw new java.net.UnknownHostException(a.getHostString());
                    }
                    return InetAddress.getByName(address);
                }
            };
        }
    }
}
