package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConcurrencyTest {

    private static final String KEY = DifySimulatorConfig.DEFAULT_API_KEY;
    private static final int STREAMS = 500;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void holdsFiveHundredOpenStreamsAndCloseReleasesThem() {
        var sim = DifySimulator.start(DifySimulatorConfig.defaults().withPause(Duration.ofSeconds(30), Duration.ofMillis(200)));
        var client = new SimClient(sim.baseUrl());
        var pinged = new AtomicInteger();
        var ended = new AtomicInteger();
        var subscriptions = new ArrayList<Disposable>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                var firstChunk = new AtomicBoolean();
                subscriptions.add(client.chatChunks(KEY, SimClient.chatBody("user-" + i, "[sim:hold-open]"))
                        .doFinally(signal -> ended.incrementAndGet())
                        .subscribe(chunk -> {
                            if (firstChunk.compareAndSet(false, true)) pinged.incrementAndGet();
                        }, error -> { }));
            }

            await("all streams open").atMost(Duration.ofSeconds(30)).until(() -> sim.openStreams() == STREAMS);
            await("every client pinged").atMost(WAIT).until(() -> pinged.get() == STREAMS);
            assertThat(ended).hasValue(0);
            assertThat(sim.chatRequestCount()).isEqualTo(STREAMS);
        } finally {
            sim.close();
        }

        assertThat(sim.openStreams()).isZero();
        await("every client saw the close").atMost(WAIT).until(() -> ended.get() == STREAMS);
        subscriptions.forEach(Disposable::dispose);
    }

    @Test
    void rejectsStreamsAboveTheConcurrencyLimitWith429() {
        try (var sim = DifySimulator.start(DifySimulatorConfig.defaults().withMaxConcurrentStreams(1))) {
            var client = new SimClient(sim.baseUrl());
            var held = client.chatChunks(KEY, SimClient.chatBody("alice", "[sim:hold-open]")).subscribe();
            await("one stream open").atMost(WAIT).until(() -> sim.openStreams() == 1);

            var response = client.chat(KEY, SimClient.chatBody("bob", "hi"));

            ChatStreamTest.assertError(response, 429, "too_many_requests", "Too many requests. Please try again later.");
            held.dispose();
        }
    }
}
