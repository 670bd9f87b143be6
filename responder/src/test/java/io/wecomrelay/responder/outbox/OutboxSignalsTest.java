package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.wecomrelay.responder.TestChunks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A queued job is delivered without waiting for its bot's next poll: the fold script announces it and the lease
 * holder's worker polls at once. Every instance here polls an idle outbox only every ten minutes, so a delivery
 * within {@link OutboxHarness#WAIT} is the announcement's doing (or the lease's being taken).
 */
class OutboxSignalsTest {

    static final Duration RARELY = Duration.ofMinutes(10);

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(100, Duration.ofSeconds(1));

    @Test
    void aQueuedJobWakesTheLeaseHolderAtOnce() {
        var scope = harness.scope().withPollInterval(RARELY);
        try (var instance = scope.instance("holder")) {
            // Given an instance that holds the bot's lease, found its outbox empty and listens for announcements
            await().atMost(WAIT).until(() -> instance.consumer().equals(harness.template.opsForValue().get(scope.keys.lease("bot-a"))));
            await().atMost(WAIT).until(() -> {
                harness.template.convertAndSend(scope.keys.outbox("bot-none"), "probe");
                return instance.signals() > 0;
            });

            // When a reply of the bot finishes
            var stream = TestChunks.stream("bot-a");
            scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));

            // Then it is delivered long before the next poll
            await().atMost(WAIT).until(() -> scope.drained("bot-a") && instance.delivered() == 1);
            assertThat(harness.messagesOf(KEY_A, stream.streamId())).containsExactly("answer of " + stream.streamId());
        }
    }

    @Test
    void aJobQueuedBeforeTheLeaseWasTakenIsDeliveredWhenItIsTaken() {
        // Given a job queued while no instance ran (its announcement reached no one)
        var scope = harness.scope().withPollInterval(RARELY).withoutSignals();
        var stream = TestChunks.stream("bot-a");
        scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));

        // When an instance starts (and listens for no announcement)
        try (var instance = scope.instance("late")) {
            // Then taking the lease makes its worker poll, and the job goes out
            await().atMost(WAIT).until(() -> scope.drained("bot-a") && instance.delivered() == 1);
            assertThat(harness.messagesOf(KEY_A, stream.streamId())).containsExactly("answer of " + stream.streamId());
        }
    }

    @Test
    void withoutAnnouncementsTheIdlePollStillFindsTheJob() {
        // Given an instance that holds the lease, polls every 200 ms and hears no announcement
        var scope = harness.scope().withPollInterval(Duration.ofMillis(200)).withoutSignals();
        try (var instance = scope.instance("polling")) {
            await().atMost(WAIT).until(() -> instance.consumer().equals(harness.template.opsForValue().get(scope.keys.lease("bot-a"))));

            // When a reply finishes
            var stream = TestChunks.stream("bot-a");
            scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));

            // Then a poll finds it
            await().atMost(WAIT).until(() -> scope.drained("bot-a") && instance.delivered() == 1);
            assertThat(instance.signals()).isZero();
        }
    }
}
