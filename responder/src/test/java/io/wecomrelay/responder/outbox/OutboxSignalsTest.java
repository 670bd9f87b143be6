package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.LogCapture;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.outbox.OutboxSignals.Signal;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.RedisCallback;

/**
 * Queued jobs wake the lease holder instead of waiting for its next poll: with real Redis, the real broker and the
 * WeCom send-API simulator. The instances here poll an idle outbox every ten minutes, longer than any test waits, so
 * only the announcements (or taking the lease) can make them deliver.
 */
class OutboxSignalsTest {

    static final Duration NEVER = Duration.ofMinutes(10);

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope().withPollInterval(NEVER);

    @Test
    void aJobQueuedWhileTheHolderIdlesIsDeliveredWithoutWaitingForAPoll() {
        try (var instance = scope.instance("only")) {
            // Given an instance that took the lease and found the outbox empty
            await().atMost(WAIT).until(() -> scope.leaseHolder("bot-a") != null);
            var before = TestChunks.stream("bot-a");
            scope.queue(before.last(1, 0, "first " + before.streamId()));
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_A, before.streamId()).size() == 1);

            // When another reply is queued while it idles
            var stream = TestChunks.stream("bot-a");
            scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));

            // Then it goes out
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_A, stream.streamId()).size() == 1);
            assertThat(instance.meters().counter("relay.responder.outbox.signals").count()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aJobQueuedBeforeAnyInstanceRanIsDeliveredWhenTheLeaseIsTaken() {
        // Given a reply queued while no instance listened
        var stream = TestChunks.stream("bot-a");
        scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));

        // When an instance starts (not listening: the announcements' first signal would wake it as well)
        var silent = scope.withoutSignals();
        try (var instance = silent.instance("only")) {

            // Then it takes the lease and delivers the job
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_A, stream.streamId()).size() == 1);
            await().atMost(WAIT).until(() -> silent.drained("bot-a"));
            assertThat(instance.delivered()).isEqualTo(1);
        }
    }

    @Test
    void withoutAnnouncementsAnIdleHolderWaitsForItsNextPoll() {
        // Given an instance that neither listens nor polls within the test, holding the lease with the outbox empty
        var silent = scope.withoutSignals();
        try (var instance = silent.instance("only")) {
            await().atMost(WAIT).until(() -> silent.leaseHolder("bot-a") != null);
            await().atMost(WAIT).until(() -> silent.polledEmpty("bot-a"));

            // When a reply is queued
            var stream = TestChunks.stream("bot-a");
            silent.queue(stream.last(1, 0, "answer of " + stream.streamId()));

            // Then it stays queued: what the announcements are for (the tests above fail the same way without them)
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> !silent.drained("bot-a"));
            assertThat(instance.delivered()).isZero();
        }
    }

    @Test
    void aStopEndsTheIdlePauseInsteadOfWaitingForThePollOrTheGrace() {
        // Given an instance whose idle workers would poll again in ten minutes, and whose stop would wait as long
        var patient = scope.withShutdownGrace(NEVER);
        var instance = patient.instance("only");
        await().atMost(WAIT).until(() -> patient.leaseHolder("bot-a") != null);
        await().atMost(WAIT).until(() -> patient.polledEmpty("bot-a"));

        // When it stops (the limit only turns a hang into a failure: nothing here measures speed)
        assertTimeoutPreemptively(Duration.ofMinutes(1), instance::close);

        // Then it let go of the lease on its way out
        assertThat(patient.leaseHolder("bot-a")).isNull();
    }

    @Test
    void theSubscriptionStartsWithASignalForEveryBotThenAnnouncesEachQueuedJobOfItsOwnPrefixOnly() {
        var meters = new SimpleMeterRegistry();
        var signals = new RedisOutboxSignals(harness.redis.reactive(), scope.keys, Duration.ofMillis(100), meters);
        var other = harness.scope().keys;

        StepVerifier.create(signals.signals())
                .expectNext(Signal.everyBot())
                .then(() -> {
                    harness.template.convertAndSend(other.outbox("bot-a"), "1-0");
                    harness.template.convertAndSend(scope.keys.lease("bot-a"), "1-0");
                    var stream = TestChunks.stream("bot-b");
                    scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));
                })
                .expectNext(Signal.newJob("bot-b"))
                .thenCancel()
                .verify(WAIT);
        assertThat(meters.counter("relay.responder.outbox.signals").count()).isEqualTo(1);
    }

    @Test
    void aSubscriptionWhoseConnectionIsKilledStillAnnouncesLaterJobs() {
        // Given a subscription on a connection of its own name
        String name = clientName();
        var factory = namedFactory(name);
        try {
            var signals = new RedisOutboxSignals(new ReactiveStringRedisTemplate(factory), scope.keys,
                    Duration.ofMillis(100), new SimpleMeterRegistry());
            var announcing = new AtomicReference<Disposable>();
            try {
                StepVerifier.create(signals.signals().filter(signal -> signal.botId() != null))
                        .then(() -> await().atMost(WAIT).until(() -> !pubSubClients(name).isEmpty()))
                        .then(() -> {
                            // When Redis drops its connection (a failover, an operator's CLIENT KILL)
                            killPubSubConnections(name);
                            // Then a job announced after that still arrives (announced again and again: when the
                            // subscription is back is not known here)
                            announcing.set(Flux.interval(Duration.ofMillis(100)).subscribe(tick ->
                                    harness.template.convertAndSend(scope.keys.outbox("bot-a"), "1-0")));
                        })
                        .expectNext(Signal.newJob("bot-a"))
                        .thenCancel()
                        .verify(WAIT);
            } finally {
                if (announcing.get() != null) {
                    announcing.get().dispose();
                }
            }
        } finally {
            factory.destroy();
        }
    }

    @Test
    void theSubscriptionTheClientRenewsByItselfAfterAReconnectSignalsEveryBotAgain() throws InterruptedException {
        // Given a subscription on a connection of its own name, past its first signal (taken off the client's I/O
        // threads: the kill below waits for the client, which must not wait for the test)
        String name = clientName();
        var factory = namedFactory(name);
        var meters = new SimpleMeterRegistry();
        var received = new LinkedBlockingQueue<Signal>();
        Disposable listening = null;
        try (var logs = new LogCapture()) {
            listening = new RedisOutboxSignals(new ReactiveStringRedisTemplate(factory), scope.keys,
                    Duration.ofMillis(100), meters).signals().subscribe(received::add);
            assertThat(received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Signal.everyBot());

            // When Redis drops its connection, and the client reconnects and subscribes again by itself
            killPubSubConnections(name);

            // Then every bot is signalled again: what was announced meanwhile reached no one
            assertThat(received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Signal.everyBot());
            // renewed by the client, not by the flux subscribing again after an error
            assertThat(meters.get("relay.responder.outbox.signal.subscriptions").tag("by", "responder").counter()
                    .count()).isEqualTo(1);
            assertThat(meters.get("relay.responder.outbox.signal.subscriptions").tag("by", "client").counter()
                    .count()).isEqualTo(1);
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("listening for queued delivery jobs again"))
                    .noneMatch(line -> line.startsWith("not listening for queued delivery jobs"));
        } finally {
            if (listening != null) {
                listening.dispose();
            }
            factory.destroy();
        }
    }

    private static String clientName() {
        return "outbox-signals-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A connection factory whose connections carry {@code name} (CLIENT SETNAME). Destroy it after use. */
    private static LettuceConnectionFactory namedFactory(String name) {
        var factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(
                TestInfrastructure.redisUrl()), LettuceClientConfiguration.builder().clientName(name).build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /**
     * Kills the pub/sub connections named {@code name} (those alone: the Redis is shared), and waits until the
     * client has subscribed again on a new one.
     */
    private static void killPubSubConnections(String name) {
        List<String> killed = pubSubClients(name);
        assertThat(killed).as("pub/sub connections named " + name).isNotEmpty();
        killed.forEach(address -> harness.template.execute((RedisCallback<Object>) connection -> {
            int colon = address.lastIndexOf(':');
            connection.serverCommands().killClient(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1)));
            return null;
        }));
        await().atMost(WAIT).until(() -> !pubSubClients(name).isEmpty()
                && pubSubClients(name).stream().noneMatch(killed::contains));
    }

    /** The addresses (host:port) of the pub/sub connections named {@code name}. */
    private static List<String> pubSubClients(String name) {
        String clients = harness.template.execute((RedisCallback<String>) connection -> {
            Object list = connection.execute("CLIENT", bytes("LIST"), bytes("TYPE"), bytes("pubsub"));
            return list instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(list);
        });
        return clients == null ? List.of() : clients.lines().filter(line -> line.contains(" name=" + name + " "))
                .map(line -> line.replaceFirst(".* addr=(\\S+) .*", "$1")).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
