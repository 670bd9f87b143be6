package io.wecomrelay.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.metrics.LlmWorkerMetrics;
import io.wecomrelay.llm.reply.ChunkFactory;
import io.wecomrelay.llm.reply.DifyReplies;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.Scenario;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactive end to end for the worker's Dify path: BlockHound records every blocking call made on a non-blocking
 * (Netty or Reactor parallel) thread while answers stream from the simulator through the DifyClient and DifyReplies
 * the worker's configuration builds (its HTTP client and pool, the tracing filter, the drain, the reply session's
 * coalescing and watchdog, whose watches are set on Lettuce's timer wheel, a non-blocking thread too, and the idle one
 * fires for a silent stream). Runs in its own JVM (see the surefire executions in the pom).
 */
class NoBlockingTest {

    static final List<String> BLOCKING_CALLS = new CopyOnWriteArrayList<>();
    private static DifySimulator dify;
    private static ConnectionProvider connections;
    private static ClientResources lettuce;
    private static DifyReplies replies;

    @BeforeAll
    static void start() {
        installBlockHound();
        dify = DifySimulator.start(DifySimulatorConfig.defaults().withCadence(3, Duration.ofMillis(20)));
        // a silent stream is finished after a second: the idle watch's path runs here too
        var properties = LlmWorkerPropertiesTest.bind(Map.of("relay.worker.reply.idle-timeout", "1s"));
        var configuration = new LlmWorkerConfiguration();
        var meters = new SimpleMeterRegistry();
        lettuce = ClientResources.create();
        connections = configuration.difyConnections(properties);
        var client = configuration.difyClient(connections, properties, RelayTracing.noop(), new HopLatency(meters),
                Clock.systemUTC(), meters, lettuce);
        replies = configuration.difyReplies(client, properties, new LlmWorkerMetrics(meters), lettuce);
    }

    private static void installBlockHound() {
        // Reactor's scheduler threads started before BlockHound (by other test classes, when surefire's -Dtest puts
        // this class in a shared JVM) sit inside their queue's take(), where BlockHound cannot see the allowance it
        // grants that method: start them afresh, under BlockHound. In its own JVM (the pom's setup) this is a no-op.
        Schedulers.shutdownNow();
        BlockHound.Builder builder = BlockHound.builder();
        // The Reactor and Netty integrations mark their threads as non-blocking; builder() alone loads none.
        ServiceLoader.load(BlockHoundIntegration.class).forEach(builder::with);
        builder
                // Log output is written synchronously by design; it is not reply work.
                .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
                // /dev/urandom never blocks; the JDK reads it through a FileInputStream (UUID.randomUUID).
                .allowBlockingCallsInside("java.security.SecureRandom", "nextBytes")
                .blockingMethodCallback(method -> BLOCKING_CALLS.add(method + " on " + Thread.currentThread().getName()))
                .install();
    }

    @AfterAll
    static void stop() {
        connections.dispose();
        lettuce.shutdown();
        dify.close();
    }

    @Test
    void blockHoundIsActiveAndWouldSeeABlockingCall() {
        Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return 1;
                })
                .subscribeOn(Schedulers.parallel())
                .block();

        assertThat(BLOCKING_CALLS).anyMatch(call -> call.contains("sleep"));
        BLOCKING_CALLS.removeIf(call -> call.contains("sleep"));
    }

    @Test
    void answersWithoutBlockingANonBlockingThread() {
        for (var scenario : List.of(Scenario.NORMAL, Scenario.AGENT, Scenario.THINK, Scenario.REASONING,
                Scenario.CHATFLOW, Scenario.MESSAGE_REPLACE, Scenario.ERROR_MID_STREAM, Scenario.HTTP_500)) {
            var chunks = answer("hello " + scenario.tag());

            assertThat(chunks).as(scenario.name()).isNotEmpty().last().matches(ReplyChunk::last);
        }

        assertThat(BLOCKING_CALLS).isEmpty();
    }

    @Test
    void aSilentStreamIsFinishedByItsIdleWatchWithoutBlocking() {
        var chunks = answer("hello " + Scenario.SILENT_HANG.tag());

        assertThat(chunks).last().satisfies(last -> assertThat(last.error().code()).isEqualTo(ErrorCodes.IDLE_TIMEOUT));
        assertThat(BLOCKING_CALLS).isEmpty();
    }

    private static List<ReplyChunk> answer(String query) {
        var app = new DifyApp(URI.create(dify.baseUrl()), new Secret(DifySimulatorConfig.DEFAULT_API_KEY));
        var chunks = new ChunkFactory(Events.accepted("bot-1", "m-" + UUID.randomUUID(), Events.T0), null, 1, "trace-1",
                Clock.systemUTC(), UUID::randomUUID);
        var request = new ChatRequest(query, "wecom:bot-1:u-" + UUID.randomUUID(), null, List.of());
        return replies.open(app, request, Instant.now().plusSeconds(30), chunks).chunks().collectList()
                .block(Duration.ofSeconds(15));
    }
}
