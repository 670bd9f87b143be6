package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_B;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bounds of a bot's outbox, with real Redis, the real broker and the WeCom send-API simulator. */
class OutboxLimitsTest {

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope();

    @Test
    void aJobOlderThanTheMaximumAgeIsGivenUpUnsentAndTheNextGoesOut() {
        // Given a rejection of a message that arrived two hours ago (max reply age 1 h), then a fresh reply
        MessageRejected old = Events.rejected("bot-a", "m-" + UUID.randomUUID(), Instant.now().minus(Duration.ofHours(2)),
                RejectReason.UNAUTHORIZED);
        scope.queue(old);
        var fresh = TestChunks.stream("bot-a");
        scope.queue(fresh.last(1, 0, "fresh " + fresh.streamId()));

        // When
        try (var instance = scope.instance("only", List.of(harness.wecom.baseUrl()), OutboxHarness.limits(Duration.ofHours(1), 100))) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));

            // Then
            assertThat(instance.dropped("bot-a", "job_expired")).isEqualTo(1);
        }
        assertThat(deliveries(old.streamId()))
                .extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason, DeliveryRecorded::detail)
                .containsExactly(tuple(DeliveryOutcome.FAILED, DeliveryFailure.JOB_EXPIRED, "message older than max-webhook-reply-age PT1H"));
        assertThat(OutboxHarness.deadLetters(Topics.REJECTED, old.streamId())).singleElement().satisfies(record ->
                assertThat(TopicReader.header(record, UndeliverableReplies.FAILURE_HEADER)).isEqualTo("JOB_EXPIRED"));
        assertThat(harness.messagesOf(KEY_A, fresh.streamId())).hasSize(1);
    }

    @Test
    void aReplayedLastChunkIsDatedByItsMessageNotByWhenItWasQueued() {
        // Given the last chunk of a reply to a message two hours old, folded after its stream hash expired (no
        // 'created' from ingress), and queued (tickets here allow any age; only the outbox's limit applies)
        var replayed = TestChunks.stream("bot-a").receivedAt(Instant.now().minus(Duration.ofHours(2)));
        scope.queue(replayed.last(1, 0, "replayed " + replayed.streamId()));

        // When
        try (var instance = scope.instance("only", List.of(harness.wecom.baseUrl()), OutboxHarness.limits(Duration.ofHours(1), 100))) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));

            // Then
            assertThat(instance.dropped("bot-a", "job_expired")).isEqualTo(1);
        }
        assertThat(harness.messagesOf(KEY_A, replayed.streamId())).isEmpty();
        assertThat(deliveries(replayed.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason,
                        DeliveryRecorded::receivedAt)
                .containsExactly(tuple(DeliveryOutcome.FAILED, DeliveryFailure.JOB_EXPIRED, replayed.receivedAt()
                        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
    }

    @Test
    void eachChannelHasItsOwnMaximumReplyAge() {
        // Given replies to messages two hours old of a webhook bot (limit 3 h) and a response_url bot (limit 1 h)
        var webhook = TestChunks.stream("bot-a").receivedAt(Instant.now().minus(Duration.ofHours(2)));
        var url = TestChunks.stream("bot-url").receivedAt(Instant.now().minus(Duration.ofHours(2)))
                .withResponseUrl(harness.wecom.newResponseUrl());
        scope.queue(webhook.last(1, 0, "late but wanted " + webhook.streamId()));
        scope.queue(url.last(1, 0, "too late"));

        // When
        var limits = new OutboxLimits(new MaxReplyAge(Duration.ofHours(1), Duration.ofHours(3)), 100);
        try (var instance = scope.instance("only", List.of(harness.wecom.baseUrl()), limits)) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a") && scope.drained("bot-url"));

            // Then
            assertThat(instance.dropped("bot-url", "job_expired")).isEqualTo(1);
            assertThat(instance.dropped("bot-a", "job_expired")).isZero();
        }
        assertThat(harness.messagesOf(KEY_A, webhook.streamId())).hasSize(1);
        assertThat(harness.wecom.messagesTo(OutboxHarness.code(url.route().responseUrl()))).isEmpty();
        assertThat(deliveries(url.streamId())).extracting(DeliveryRecorded::reason, DeliveryRecorded::detail)
                .containsExactly(tuple(DeliveryFailure.JOB_EXPIRED, "message older than max-reply-age PT1H"));
    }

    @Test
    void aStreamThatFinishesOnARecordTooOldToBeReceivedIsRecordedSkippedAndNeverQueued() {
        // Given the rejection listener of a responder whose maximum reply age is one hour
        OutboxHarness.Scope strict = scope.withMaxReplyAge(new MaxReplyAge(Duration.ofHours(1), Duration.ofHours(1)));
        var rejections = harness.rejections(strict);
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        MessageRejected old = Events.rejected("bot-a", "m-" + UUID.randomUUID(), twoHoursAgo, RejectReason.UNAUTHORIZED);
        MessageRejected oldNotice = Events.rejected("bot-a", "m-" + UUID.randomUUID(), twoHoursAgo, RejectReason.RATE_LIMITED);
        MessageRejected notice = Events.rejected("bot-a", "m-" + UUID.randomUUID(), Instant.now(), RejectReason.RATE_LIMITED);

        // When a replay brings the two old rejections, then a current rate-limit notice comes
        rejections.onMessage(record(old));
        rejections.onMessage(record(oldNotice));
        rejections.onMessage(record(notice));

        // Then the old streams finish, but only the current notice is queued (the old one took no notice window)
        assertThat(harness.template.<String, String>opsForHash().get(StreamStateKeys.key(old.streamId()), "finish"))
                .isEqualTo("1");
        assertThat(harness.template.opsForStream().size(scope.keys.outbox("bot-a"))).isEqualTo(1);
        assertThat(strict.ticketMeters.counter("relay.responder.deliveries.skipped", "bot", "bot-a", "reason", "too_old").count())
                .isEqualTo(2);
        for (MessageRejected skipped : List.of(old, oldNotice)) {
            assertThat(deliveries(skipped.streamId()))
                    .extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason, DeliveryRecorded::receivedAt,
                            DeliveryRecorded::channel)
                    .containsExactly(tuple(DeliveryOutcome.SKIPPED, DeliveryFailure.TOO_OLD, twoHoursAgo,
                            io.wecomrelay.schemas.event.DeliveryChannel.WEBHOOK));
            assertThat(OutboxHarness.deadLetters(Topics.REJECTED, skipped.streamId())).as("nothing failed").isEmpty();
        }
    }

    @Test
    void anOutboxDeeperThanItsMaximumLosesItsOldestJobsAndSendsTheNewestInOrder() {
        // Given five replies of one bot queued while nobody delivered; the maximum depth is three
        List<TestChunks> streams = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var stream = TestChunks.stream("bot-b");
            streams.add(stream);
            scope.queue(stream.last(1, 0, "reply-" + i + " " + stream.streamId()));
        }

        // When
        try (var instance = scope.instance("only", List.of(harness.wecom.baseUrl()), OutboxHarness.limits(Duration.ofHours(1), 3))) {
            await().atMost(WAIT).until(() -> scope.drained("bot-b"));

            // Then the two oldest are given up, counted for the bot, and the three newest arrive in order
            assertThat(instance.dropped("bot-b", "outbox_full")).isEqualTo(2);
        }
        for (TestChunks stream : streams.subList(0, 2)) {
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason)
                    .containsExactly(tuple(DeliveryOutcome.FAILED, DeliveryFailure.OUTBOX_FULL));
            assertThat(OutboxHarness.deadLetters(Topics.CHUNKS, stream.streamId())).hasSize(1);
        }
        String marker = streams.get(2).streamId();
        List<String> sent = harness.wecom.messagesTo(KEY_B).stream().map(message -> message.content())
                .filter(text -> text.startsWith("reply-")).map(text -> text.substring(0, "reply-0".length())).toList();
        assertThat(sent).containsSubsequence("reply-2", "reply-3", "reply-4").doesNotContain("reply-0", "reply-1");
        assertThat(harness.messagesOf(KEY_B, marker)).hasSize(1);
    }

    @Test
    void aBotGetsOneRateLimitNoticePerWindow() {
        // Given the rejection listener of a responder whose rate-limit notices have a 2 s window
        OutboxHarness.Scope notices = scope.withNoticeWindow(Duration.ofSeconds(2));
        var rejections = harness.rejections(notices);
        List<MessageRejected> flood = new ArrayList<>();

        // When three messages of a webhook bot are rate-limited within the window
        for (int i = 0; i < 3; i++) {
            MessageRejected limited = Events.rejected("bot-a", "m-" + UUID.randomUUID(), Instant.now(), RejectReason.RATE_LIMITED);
            flood.add(limited);
            rejections.onMessage(record(limited));
        }

        // Then all three streams are finished, but only the first notice is queued
        for (MessageRejected limited : flood) {
            assertThat(harness.template.<String, String>opsForHash().get(StreamStateKeys.key(limited.streamId()), "finish"))
                    .isEqualTo("1");
        }
        assertThat(harness.template.opsForStream().size(scope.keys.outbox("bot-a"))).isEqualTo(1);
        assertThat(notices.ticketMeters.counter("relay.responder.outbox.notices.suppressed", "bot", "bot-a").count()).isEqualTo(2);

        // And once the window is over, the next notice is queued again
        await().atMost(WAIT).until(() -> !Boolean.TRUE.equals(harness.template.hasKey(scope.keys.notice("bot-a"))));
        MessageRejected later = Events.rejected("bot-a", "m-" + UUID.randomUUID(), Instant.now(), RejectReason.RATE_LIMITED);
        rejections.onMessage(record(later));
        assertThat(harness.template.opsForStream().size(scope.keys.outbox("bot-a"))).isEqualTo(2);

        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
        }
        assertThat(deliveries(flood.get(0).streamId())).extracting(DeliveryRecorded::outcome)
                .containsExactly(DeliveryOutcome.DELIVERED);
        assertThat(deliveries(flood.get(1).streamId())).isEmpty();
        assertThat(deliveries(later.streamId())).extracting(DeliveryRecorded::outcome)
                .containsExactly(DeliveryOutcome.DELIVERED);
    }

    private static ConsumerRecord<String, RelayEvent> record(MessageRejected rejection) {
        return new ConsumerRecord<>(Topics.REJECTED.name(), 0, 0L, rejection.streamId(), rejection);
    }
}
