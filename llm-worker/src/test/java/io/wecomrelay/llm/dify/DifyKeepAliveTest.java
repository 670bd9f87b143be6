package io.wecomrelay.llm.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.llm.TestWheel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ConnectionObserver;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A chat stream's connection goes back to the pool after its terminal event, also when the response ends a little
 * later, and is closed when it does not end within the drain timeout or when the caller cancels before the terminal
 * event. A real HTTP server counts the connections it accepts and sees close.
 */
class DifyKeepAliveTest {

    private static final String TEXT = "data: {\"event\":\"message\",\"task_id\":\"t\",\"message_id\":\"m\",\"answer\":\"hi\"}\n\n";
    private static final String END = "data: {\"event\":\"message_end\",\"task_id\":\"t\",\"message_id\":\"m\"}\n\n";

    /** What the server sends after the events of one response. */
    private enum After { END_AT_ONCE, END_LATER, NEVER_END, TEXT_ONLY, CUT_OFF }

    private final AtomicReference<After> after = new AtomicReference<>(After.END_AT_ONCE);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicReference<CountDownLatch> responseEnded = new AtomicReference<>(new CountDownLatch(1));
    private DisposableServer server;
    private ConnectionProvider pool;

    @BeforeEach
    void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                // per TCP connection: doOnConnection runs once per request on a kept-alive connection
                .doOnChannelInit((observer, channel, address) -> {
                    accepted.incrementAndGet();
                    channel.closeFuture().addListener(future -> closed.incrementAndGet());
                })
                .handle((request, response) -> request.receive().then(Mono.defer(() -> {
                    var ended = responseEnded.get();
                    Flux<ByteBuf> events = switch (after.get()) {
                        case END_AT_ONCE -> chunks(TEXT, END);
                        case END_LATER -> chunks(TEXT, END).concatWith(Mono.delay(Duration.ofMillis(200)).then(Mono.empty()));
                        case NEVER_END -> chunks(TEXT, END).concatWith(Flux.never());
                        case TEXT_ONLY -> chunks(TEXT).concatWith(Flux.never());
                        // the server fails mid-body: Reactor Netty closes the connection without the body's end
                        case CUT_OFF -> chunks(TEXT, END).concatWith(Mono.delay(Duration.ofMillis(100))
                                .then(Mono.error(new IllegalStateException("cut off"))));
                    };
                    return response.header("Content-Type", "text/event-stream")
                            .send(events, buffer -> true)
                            .then()
                            .doOnSuccess(done -> ended.countDown());
                })))
                .bindNow(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
        server.disposeNow(Duration.ofSeconds(10));
    }

    @Test
    void streamsOneAfterAnotherShareOneConnection() {
        var dify = client(Duration.ofSeconds(5));

        for (int i = 1; i <= 5; i++) {
            assertThat(chat(dify)).hasSize(2).last().isInstanceOf(DifyEvent.End.class);
            int streams = i;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(released).hasValue(streams));
        }

        assertThat(accepted).as("connections the server accepted").hasValue(1);
        assertThat(closed).hasValue(0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(drains("completed")).isEqualTo(5));
    }

    @Test
    void aCallerThatCancelsOnTheTerminalEventStillLeavesTheConnectionInThePool() {
        // what ReplySession does: its finish disposes the subscription while it handles message_end
        var dify = client(Duration.ofSeconds(5));

        for (int i = 1; i <= 3; i++) {
            var last = dify.chat(app(), request()).takeUntil(event -> event instanceof DifyEvent.End).blockLast(Duration.ofSeconds(10));
            assertThat(last).isInstanceOf(DifyEvent.End.class);
            int streams = i;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(released).hasValue(streams));
        }

        assertThat(accepted).as("connections the server accepted").hasValue(1);
        assertThat(closed).hasValue(0);
    }

    @Test
    void theDrainBoundTakesNoTimerFromReactorsSchedulers() {
        // the bound is set on the connection's event loop: a timer on Schedulers.parallel() woke another thread per answer
        var dify = client(Duration.ofSeconds(5));
        var scheduled = new AtomicInteger();
        Schedulers.onScheduleHook(getClass().getName(), task -> {
            scheduled.incrementAndGet();
            return task;
        });
        try {
            for (int i = 1; i <= 3; i++) {
                assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);
                int streams = i;
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(released).hasValue(streams));
            }
        } finally {
            Schedulers.resetOnScheduleHook(getClass().getName());
        }

        assertThat(scheduled).as("tasks scheduled on Reactor's schedulers").hasValue(0);
        assertThat(accepted).hasValue(1);
    }

    @Test
    void theCallerHasTheEndAtOnceAndTheConnectionIsReusedOnceTheResponseEnds() throws Exception {
        var dify = client(Duration.ofSeconds(5));
        after.set(After.END_LATER);
        var ended = responseEnded.get();

        assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);
        assertThat(ended.getCount()).as("the server is still holding the response open").isEqualTo(1);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(released).hasValue(1));

        after.set(After.END_AT_ONCE);
        assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);
        assertThat(accepted).hasValue(1);
        assertThat(closed).hasValue(0);
    }

    @Test
    void aResponseThatNeverEndsIsClosedAfterTheDrainTimeout() {
        var dify = client(Duration.ofMillis(300));
        after.set(After.NEVER_END);

        assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);
        assertThat(closed).as("the caller is done before the drain timeout").hasValue(0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed).hasValue(1));

        after.set(After.END_AT_ONCE);
        assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);
        assertThat(accepted).as("a new connection for the next request").hasValue(2);
        assertThat(drains("timed_out")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(drains("completed")).isEqualTo(1));
    }

    @Test
    void onAClientOtherThanReactorNettysADrainIsStillBoundedByTheFallbackTimer() {
        // DifyClient takes any WebClient: on the JDK's client there is no Netty event loop to set the bound on
        var web = WebClient.builder().clientConnector(new JdkClientHttpConnector(java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build())).build();
        var dify = new DifyClient(web, new DifyClient.RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 0),
                TestWheel.bound(Duration.ofSeconds(5)), TestWheel.bound(Duration.ofSeconds(5)), new DifyClient.StreamLimits(1 << 20, 1 << 20),
                Duration.ofMillis(300), meters);
        after.set(After.NEVER_END);

        assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);

        // the body is cancelled at the bound (whether the JDK's client then closes its connection is its own affair:
        // it did not within ten seconds here)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(drains("timed_out")).isEqualTo(1));
        assertThat(drains("completed") + drains("failed")).isZero();
    }

    @Test
    void aResponseCutOffAfterTheTerminalEventCountsAFailedDrain() {
        var dify = client(Duration.ofSeconds(5));
        after.set(After.CUT_OFF);

        assertThat(chat(dify)).last().isInstanceOf(DifyEvent.End.class);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(drains("failed")).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed).hasValue(1));
        assertThat(drains("completed") + drains("timed_out")).isZero();
    }

    @Test
    void aCancelBeforeTheTerminalEventClosesTheConnectionAtOnce() {
        // a drain timeout far beyond the wait below: only the cancel itself can close the connection in time
        var dify = client(Duration.ofMinutes(5));
        after.set(After.TEXT_ONLY);

        var first = dify.chat(app(), request()).next().block(Duration.ofSeconds(10));

        assertThat(first).isInstanceOf(DifyEvent.Text.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed).hasValue(1));
        assertThat(released).hasValue(0);
        assertThat(drains("completed") + drains("timed_out") + drains("failed")).as("no drain began").isZero();
    }

    private double drains(String outcome) {
        return meters.get("relay.worker.dify.drains").tag("outcome", outcome).counter().count();
    }

    private DifyClient client(Duration drainTimeout) {
        pool = ConnectionProvider.builder("keepalive-test").maxConnections(4).build();
        var http = HttpClient.create(pool).observe((connection, state) -> {
            if (state == ConnectionObserver.State.RELEASED) {
                released.incrementAndGet();
            }
        });
        var web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        return new DifyClient(web, new DifyClient.RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 0),
                TestWheel.bound(Duration.ofSeconds(5)), TestWheel.bound(Duration.ofSeconds(5)), new DifyClient.StreamLimits(1 << 20, 1 << 20), drainTimeout, meters);
    }

    private DifyApp app() {
        return new DifyApp(URI.create("http://127.0.0.1:" + server.port() + "/v1"), new Secret("app-key"));
    }

    private static ChatRequest request() {
        return new ChatRequest("q", "wecom:bot-1:u", null, List.of());
    }

    private List<DifyEvent> chat(DifyClient dify) {
        return dify.chat(app(), request()).collectList().block(Duration.ofSeconds(10));
    }

    private static Flux<ByteBuf> chunks(String... events) {
        return Flux.fromArray(events).map(event -> Unpooled.copiedBuffer(event, StandardCharsets.UTF_8));
    }
}
