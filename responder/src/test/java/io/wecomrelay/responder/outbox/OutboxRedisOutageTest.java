package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.testkit.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.dao.QueryTimeoutException;

/**
 * Redis killed (SIGKILL) while WeCom has a part and its answer is still on the way to the instance that sent it,
 * and started again (with its AOF) only after that instance's lease and the job's claim idle time have run out:
 * either instance may take the job over. The reply reaches WeCom once and is recorded delivered once.
 */
class OutboxRedisOutageTest {

    /** Longer than the lease (2 s) and the claim idle time (500 ms) of the harness's instances. */
    static final Duration OUTAGE = Duration.ofSeconds(4);

    static final LocalRedis REDIS = startRedis();

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1), REDIS::url);

    final OutboxHarness.Scope scope = harness.scope();

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Test
    void aPartWeComTookWhileRedisWentDownIsSentOnceWhoeverTakesTheJobOver() throws InterruptedException {
        // Given two instances, and WeCom holding back its answers
        var stream = TestChunks.stream("bot-a");
        String content = "answer of " + stream.streamId();
        var release = new CompletableFuture<Void>();
        harness.wecom.holdAnswersUntil(release);
        try (var first = scope.instance("first"); var second = scope.instance("second")) {
            // When one of them sends a reply, WeCom takes it, and Redis dies before the sender hears back
            scope.queue(stream.last(1, 0, content));
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_A, stream.streamId()).size() == 1);
            REDIS.kill();
            release.complete(null);
            Thread.sleep(OUTAGE.toMillis());
            REDIS.startAgain();

            // Then the job completes without a second send (the test's own reads time out until its client reconnects)
            await().atMost(WAIT).ignoreException(QueryTimeoutException.class).until(() -> scope.drained("bot-a"));
        }
        assertThat(harness.messagesOf(KEY_A, stream.streamId())).containsExactly(content);
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome)
                .containsExactly(DeliveryOutcome.DELIVERED);
    }

    private static LocalRedis startRedis() {
        try {
            return LocalRedis.startEmbeddedWithAof(Files.createTempDirectory("outbox-redis"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
