package io.wecomrelay.ingress.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.util.HashedWheelTimer;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.ingress.bots.BotDirectory;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.PublishFailedException;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The order of the publish, the stream marker and the answer, and the thread the answer continues on. */
class InboundIntakeTest {

    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    final Clock clock = Clock.fixed(Events.T0, ZoneOffset.UTC);
    final List<String> marked = new CopyOnWriteArrayList<>();
    final AtomicInteger publishes = new AtomicInteger();
    final StreamMarkerWriter marker = (botId, streamId, at, traceId) -> Mono.fromRunnable(() -> marked.add(streamId));
    final HashedWheelTimer wheel = new HashedWheelTimer(5, TimeUnit.MILLISECONDS);
    /** Stands in for the request's event loop. */
    final Scheduler loop = Schedulers.newSingle("request-loop");

    @AfterEach
    void stop() {
        wheel.stop();
        loop.dispose();
    }

    @Test
    void theMarkerIsWrittenWhileKafkaAcknowledgesAndTheReplyWaitsForTheAck() throws Exception {
        Sinks.Empty<Void> ack = Sinks.empty();
        var intake = intake(counted(ack.asMono()), marker);
        String streamId = StreamIds.of("bot-stream", "m1");

        StepVerifier.create(intake.accept(bot("bot-stream", "passive_stream"), Events.text("m1", "u", "hi"), loop))
                .expectSubscription()
                .then(() -> assertThat(marked).containsExactly(streamId)) // before the ack
                .expectNoEvent(Duration.ofMillis(200))                     // no answer without the ack
                .then(ack::tryEmitEmpty)
                .assertNext(reply -> assertThat(((StreamReply) reply).id()).isEqualTo(streamId))
                .verifyComplete();
        assertThat(publishes).hasValue(1);
    }

    @Test
    void aFailedPublishFailsTheCallbackOnceAndIsNotRetriedHereEvenIfTheMarkerWasWritten() throws Exception {
        var intake = intake(counted(Mono.error(new PublishFailedException("no ack", new RuntimeException()))), marker);

        StepVerifier.create(intake.accept(bot("bot-stream", "passive_stream"), Events.text("m2", "u", "hi"), loop))
                .expectError(PublishFailedException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(publishes).hasValue(1); // WeCom's retry (after the 503) is the only second attempt
    }

    @Test
    void aMarkerThatFailsOrHangsFailsTheCallbackEvenThoughKafkaAcknowledged() throws Exception {
        StreamMarkerWriter failing = (botId, streamId, at, traceId) -> Mono.error(new IllegalStateException("redis down"));
        StreamMarkerWriter hanging = (botId, streamId, at, traceId) -> Mono.never();

        for (StreamMarkerWriter broken : List.of(failing, hanging)) {
            // a stream id given to WeCom without a marker would be finished as "expired" by the first refresh
            StepVerifier.create(intake(counted(Mono.empty()), broken).accept(bot("bot-stream", "passive_stream"),
                            Events.text("m3", "u", "hi"), loop))
                    .expectError(StreamMarkerFailedException.class)
                    .verify(Duration.ofSeconds(5));
        }
    }

    @Test
    void aFailedMarkerLetsThePublishFinishAndAKafkaFailureIsTheOneReportedWhenBothFail() throws Exception {
        StreamMarkerWriter failing = (botId, streamId, at, traceId) -> Mono.error(new IllegalStateException("redis down"));
        Sinks.Empty<Void> ack = Sinks.empty();
        var cancelled = new AtomicBoolean();

        StepVerifier.create(intake(counted(ack.asMono().doOnCancel(() -> cancelled.set(true))), failing)
                        .accept(bot("bot-stream", "passive_stream"), Events.text("m5", "u", "hi"), loop))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(200)) // the send in progress is not cancelled (nor interrupted)
                .then(ack::tryEmitEmpty)
                .expectError(StreamMarkerFailedException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isFalse();

        StepVerifier.create(intake(counted(Mono.error(new PublishFailedException("no ack", new RuntimeException()))), failing)
                        .accept(bot("bot-stream", "passive_stream"), Events.text("m6", "u", "hi"), loop))
                .expectError(PublishFailedException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theAnswerContinuesOnTheRequestsLoopNotOnTheThreadKafkaAcknowledgedOn() throws Exception {
        Scheduler sender = Schedulers.newSingle("kafka-producer-network-thread");
        try {
            var intake = intake(counted(Mono.<Void>empty().publishOn(sender)), marker);

            StepVerifier.create(intake.accept(bot("bot-stream", "passive_stream"), Events.text("m7", "u", "hi"), loop)
                            .map(reply -> Thread.currentThread().getName()))
                    .assertNext(thread -> assertThat(thread).startsWith("request-loop"))
                    .verifyComplete();
        } finally {
            sender.dispose();
        }
    }

    @Test
    void aMarkerSlowerThanItsBoundIsCancelledAndFailsTheCallbackOnTheRequestsLoop() throws Exception {
        var cancelled = new AtomicBoolean();
        // it would be written, but long after the bound (timed on the wheel, whose thread must not go on with the request)
        StreamMarkerWriter slow = (botId, streamId, at, traceId) -> Mono.delay(REDIS_TIMEOUT.multipliedBy(20)).then()
                .doOnCancel(() -> cancelled.set(true));
        var failedOn = new AtomicReference<String>();

        StepVerifier.create(intake(counted(Mono.empty()), slow).accept(bot("bot-stream", "passive_stream"),
                                Events.text("m8", "u", "hi"), loop)
                        .doOnError(e -> failedOn.set(Thread.currentThread().getName())))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamMarkerFailedException.class)
                        .hasCauseInstanceOf(TimeoutException.class))
                .verify(Duration.ofSeconds(5));

        assertThat(cancelled).isTrue();
        assertThat(failedOn.get()).startsWith("request-loop");
    }

    @Test
    void botsThatDoNotStreamGetNoMarkerAndAnEmptyAnswerAfterTheAck() throws Exception {
        StepVerifier.create(intake(counted(Mono.empty()), marker).accept(bot("bot-url", "response_url"),
                        Events.text("m4", "u", "hi"), loop))
                .verifyComplete();

        assertThat(marked).isEmpty();
        assertThat(publishes).hasValue(1);
    }

    private InboundIntake intake(InboundPublisher publisher, StreamMarkerWriter streamMarker) {
        return new InboundIntake(publisher, streamMarker, clock, UUID::randomUUID, REDIS_TIMEOUT, wheel);
    }

    /** A publisher answering with {@code outcome}, counting how often a publish is started. */
    private InboundPublisher counted(Mono<Void> outcome) {
        return event -> outcome.doOnSubscribe(subscription -> publishes.incrementAndGet());
    }

    private Bot bot(String id, String replyMode) throws Exception {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, """
                bots:
                  - id: %s
                    token: QDG6eK
                    aes-key: %s
                    reply-mode: %s
                    webhook-key: k
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
                """.formatted(id, KEY, replyMode));
        return new BotDirectory(new BotRegistryLoader(name -> null).load(file)).find(id).orElseThrow();
    }
}
