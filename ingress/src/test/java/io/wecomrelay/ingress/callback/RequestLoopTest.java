package io.wecomrelay.ingress.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * Where a callback continues after Kafka or Redis answered: its connection's event loop under Reactor Netty, else
 * {@code parallel}. That the running server's requests are such connections, CallbackEndpointTest checks (the
 * accepted line is logged on the server's {@code webflux-http} event loop).
 */
class RequestLoopTest {

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final EventLoopGroup otherLoops = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        otherLoops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    @Test
    void aRequestCarriedByAReactorNettyConnectionContinuesOnThatConnectionsEventLoop() throws Exception {
        var channel = new LocalChannel();
        loops.register(channel).sync();

        var continuation = RequestLoop.ofNative(Connection.from(channel));
        Boolean onTheLoop = Mono.just("acknowledged").publishOn(continuation)
                .map(ack -> channel.eventLoop().inEventLoop())
                .block(Duration.ofSeconds(5));

        assertThat(onTheLoop).isTrue();
        assertThat(continuation).isNotSameAs(Schedulers.parallel());
    }

    @Test
    void eachLoopBuildsItsSchedulerOnceForAllItsConnections() throws Exception {
        var first = new LocalChannel();
        var second = new LocalChannel();
        var elsewhere = new LocalChannel();
        loops.register(first).sync();
        loops.register(second).sync();
        otherLoops.register(elsewhere).sync();

        Scheduler firstOnItsLoop = onItsLoop(first);
        Scheduler elsewhereOnItsLoop = onItsLoop(elsewhere);

        assertThat(onItsLoop(first)).isSameAs(firstOnItsLoop);
        assertThat(onItsLoop(second)).as("another connection of the same loop").isSameAs(firstOnItsLoop);
        assertThat(elsewhereOnItsLoop).isNotSameAs(firstOnItsLoop);
        Boolean onTheOtherLoop = Mono.just("acknowledged").publishOn(elsewhereOnItsLoop)
                .map(ack -> elsewhere.eventLoop().inEventLoop())
                .block(Duration.ofSeconds(5));
        assertThat(onTheOtherLoop).isTrue();
    }

    /** What a request's handler gets: it asks on its connection's loop. */
    private static Scheduler onItsLoop(LocalChannel channel) throws Exception {
        return channel.eventLoop().submit(() -> RequestLoop.ofNative(Connection.from(channel))).get(5, TimeUnit.SECONDS);
    }

    @Test
    void withoutAReactorNettyConnectionUnderneathItIsParallel() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/wecom/callback/bot"));

        assertThat(RequestLoop.of(ServerRequest.create(exchange, List.of()))).isSameAs(Schedulers.parallel());
        // a decorator around a request that is neither a server's nor a mock
        assertThat(RequestLoop.of(new ServerHttpRequestDecorator(mock(ServerHttpRequest.class))))
                .isSameAs(Schedulers.parallel());
    }
}
