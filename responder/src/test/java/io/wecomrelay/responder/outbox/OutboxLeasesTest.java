package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.wecomrelay.responder.TestChunks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery leases, taken and renewed for all of an instance's bots together, with real Redis, the real broker and
 * the WeCom send-API simulator. The harness's leases live two seconds and are renewed every 667 ms.
 */
class OutboxLeasesTest {

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope().withPollInterval(Duration.ofMinutes(10));

    @Test
    void oneCallTakesOrRenewsTheLeasesOfSeveralBotsAndLeavesAnotherHoldersAlone() {
        var outbox = new RedisOutbox(harness.redis.reactive(), scope.keys);
        harness.template.opsForValue().set(scope.keys.lease("b"), "other", Duration.ofMinutes(1));
        harness.template.opsForValue().set(scope.keys.lease("c"), "me", Duration.ofMillis(500));

        List<Boolean> held = outbox.leases(List.of("a", "b", "c"), "me", Duration.ofMinutes(2)).block(WAIT);

        assertThat(held).containsExactly(true, false, true);
        assertThat(scope.leaseHolder("a")).isEqualTo("me");
        assertThat(scope.leaseHolder("b")).isEqualTo("other");
        assertThat(harness.template.getExpire(scope.keys.lease("c"))).as("renewed, seconds").isGreaterThan(60);
    }

    @Test
    void anInstanceHoldsTheLeasesOfMoreBotsThanOneCallRenewsForLongerThanTheirLifetime() throws IOException {
        // Given more bots than one renewal takes (three calls)
        int count = 2 * OutboxDelivery.LEASES_PER_CALL + 50;
        var bots = OutboxHarness.webhookBots(count);
        List<String> ids = IntStream.range(0, count).mapToObj(i -> "many-" + i).toList();

        try (var instance = scope.instance("only", bots)) {
            // When it has run for longer than a lease lives
            await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> instance.consumer().equals(scope.leaseHolder(id))));
            await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);

            // Then it still holds every one, and delivers for the last bot too
            assertThat(ids).allMatch(id -> instance.consumer().equals(scope.leaseHolder(id)));
            var stream = TestChunks.stream(ids.get(count - 1));
            scope.queue(stream.last(1, 0, "answer of " + stream.streamId()), bots);
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_A, stream.streamId()).size() == 1);
        }
    }

    @Test
    void aLeaseAnotherInstanceHoldsIsTakenAtTheFirstRenewalAfterItExpiresAndItsJobsGoOut() {
        // Given bot-a's lease held by another instance, and a reply queued for bot-a
        harness.template.opsForValue().set(scope.keys.lease("bot-a"), "other", Duration.ofSeconds(3));
        var stream = TestChunks.stream("bot-a");
        scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));

        try (var instance = scope.instance("only")) {
            // When the other instance's lease expires, then this instance takes it and delivers the job
            await().atMost(WAIT).until(() -> instance.consumer().equals(scope.leaseHolder("bot-b")));
            assertThat(scope.leaseHolder("bot-a")).isEqualTo("other");
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_A, stream.streamId()).size() == 1);
            assertThat(scope.leaseHolder("bot-a")).isEqualTo(instance.consumer());
        }
    }
}
