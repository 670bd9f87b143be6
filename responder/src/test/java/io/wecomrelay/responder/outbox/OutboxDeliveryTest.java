package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_B;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.domain.Range;

/**
 * The outbox with real Redis, the real broker and the WeCom send-API simulator (4 messages per second
 * per key). A dead instance is simulated by reading jobs under a consumer name that never acknowledges them.
 */
class OutboxDeliveryTest {

    static final int PERMITS = 4;
    static final Duration WINDOW = Duration.ofSeconds(1);

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(PERMITS, WINDOW);

    final OutboxHarness.Scope scope = harness.scope();
    final OutboxKeys keys = scope.keys;

    @Test
    void aJobClaimedByAnInstanceThatDiedIsDeliveredOnceByAnother() {
        // Given a finished reply in the outbox, read by an instance that died holding the bot's lease
        var stream = TestChunks.stream("bot-a");
        scope.queue(stream.last(1, 0, "answer of " + stream.streamId()));
        scope.diedAfterReading("bot-a", "dead-instance");

        // When another instance runs
        try (var alive = scope.instance("alive")) {
            // Then it claims the job once the lease and the job's idle time ran out, and delivers it once
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
            assertThat(harness.messagesOf(KEY_A, stream.streamId())).containsExactly("answer of " + stream.streamId());
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome)
                    .containsExactly(DeliveryOutcome.DELIVERED);
            assertThat(alive.meters().counter("relay.responder.outbox.reclaimed").count()).isEqualTo(1);
            assertThat(harness.template.<String, String>opsForHash().entries(keys.state(stream.streamId())))
                    .containsEntry("done", "delivered").containsEntry("part:1", "recorded");
        }
    }

    @Test
    void aPartWeComAcceptedBeforeTheInstanceDiedIsNotSentAgain() {
        // Given a two-part reply whose first part the dead instance got through (and marked) before dying
        var stream = TestChunks.stream("bot-a");
        String content = ("line of " + stream.streamId() + " 一行很长的文字。\n").repeat(80);
        scope.queue(stream.last(1, 0, content));
        scope.diedAfterReading("bot-a", "dead-instance");
        List<String> parts = MarkdownSplitter.split(content, ReplyDeliverer.WEBHOOK_MAX_BYTES);
        assertThat(parts).hasSize(2);
        scope.client(List.of(harness.wecom.baseUrl())).toWebhook(new Secret(KEY_A), parts.get(0)).block();
        harness.template.opsForHash().put(keys.state(stream.streamId()), "part:1", "sent");

        // When another instance takes the job over
        try (var alive = scope.instance("alive")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
        }

        // Then WeCom saw each part once, in order, and both parts are recorded as delivered
        assertThat(harness.messagesOf(KEY_A, stream.streamId())).containsExactlyElementsOf(parts);
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::part, DeliveryRecorded::outcome,
                        DeliveryRecorded::detail)
                .containsExactly(tuple(1, DeliveryOutcome.DELIVERED, "ok (recorded after a restart)"),
                        tuple(2, DeliveryOutcome.DELIVERED, "ok"));
    }

    @Test
    void aJobWhoseOutcomeAnEarlierRunRecordedIsOnlyAcknowledged() {
        // Given a job whose outcome the dead instance recorded (and dead-lettered) before it could acknowledge it
        var stream = TestChunks.stream("bot-a");
        scope.queue(stream.last(1, 0, "failed before " + stream.streamId()));
        scope.diedAfterReading("bot-a", "dead-instance");
        harness.template.opsForHash().put(keys.state(stream.streamId()), "done", "failed");

        // When another instance takes the job over
        try (var alive = scope.instance("alive")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
        }

        // Then nothing is sent or recorded again
        assertThat(harness.messagesOf(KEY_A, stream.streamId())).isEmpty();
        assertThat(deliveries(stream.streamId())).isEmpty();
    }

    @Test
    void twoInstancesKeepOneBotsRepliesInOrderAndWithinItsRate() {
        // Given 12 replies of one bot in its outbox; reply 4 is long (two parts), so 13 messages in all
        String marker = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 12; i++) {
            String text = String.format("%s reply-%02d", marker, i)
                    + (i == 4 ? ("\n" + marker + " 长回复的一行，需要分成两条消息发送。").repeat(100) : "");
            scope.queue(TestChunks.stream("bot-b").last(1, 0, text));
        }

        // When two instances deliver, and the one holding the bot's lease stops after a few messages
        try (var first = scope.instance("first"); var second = scope.instance("second")) {
            await().atMost(WAIT).until(() -> harness.messagesOf(KEY_B, marker).size() >= 5);
            String holder = harness.template.opsForValue().get(keys.lease("bot-b"));
            (first.consumer().equals(holder) ? first : second).close();
            await().atMost(WAIT).until(() -> scope.drained("bot-b"));

            // Then both delivered, every message arrived once and in order, and WeCom never saw too many
            assertThat(first.delivered() + second.delivered()).isEqualTo(12.0);
            assertThat(first.delivered()).isPositive();
            assertThat(second.delivered()).isPositive();
        }
        List<Message> sent = harness.wecom.messagesTo(KEY_B).stream().filter(m -> m.content().contains(marker)).toList();
        assertThat(sent).hasSize(13);
        int index = 0;
        for (int i = 0; i < 12; i++) {
            assertThat(sent.get(index++).content()).startsWith(String.format("%s reply-%02d", marker, i));
            if (i == 4) {
                assertThat(sent.get(index++).content()).startsWith(marker + " 长回复的一行");
            }
        }
        for (int i = PERMITS; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - PERMITS).at(), sent.get(i).at())).isGreaterThanOrEqualTo(WINDOW);
        }
        assertThat(harness.wecom.answers()).noneMatch(answer -> answer.target().equals(KEY_B)
                && answer.errcode() == WeComApiSimulator.FREQUENCY_LIMIT);
    }

    @Test
    void anExpiredResponseUrlIsRecordedAsFailedAndDeadLetteredWithoutATry() {
        // Given the rejection of a message that arrived 70 minutes ago with a response_url (lifetime: 1 h; the
        // outbox's max reply age is longer here)
        String url = harness.wecom.newResponseUrl();
        MessageRejected rejected = OutboxHarness.withResponseUrl(Events.rejected("bot-url", "m-" + UUID.randomUUID(),
                Instant.now().minus(Duration.ofMinutes(70)), RejectReason.UNAUTHORIZED), url);
        scope.queue(rejected);

        // When
        try (var instance = scope.instance("only", List.of(harness.wecom.baseUrl()),
                OutboxHarness.limits(Duration.ofHours(2), 100))) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));
        }

        // Then
        assertThat(harness.wecom.messagesTo(OutboxHarness.code(url))).isEmpty();
        assertThat(deliveries(rejected.streamId()))
                .extracting(DeliveryRecorded::outcome, DeliveryRecorded::detail, DeliveryRecorded::reason)
                .containsExactly(tuple(DeliveryOutcome.FAILED, "response_url expired", DeliveryFailure.URL_EXPIRED));
        assertThat(OutboxHarness.deadLetters(Topics.REJECTED, rejected.streamId()))
                .singleElement().satisfies(record -> {
                    assertThat(TopicReader.header(record, UndeliverableReplies.CHANNEL_HEADER)).isEqualTo("RESPONSE_URL");
                    assertThat(TopicReader.header(record, UndeliverableReplies.FAILURE_HEADER)).isEqualTo("URL_EXPIRED");
                    assertThat(TopicReader.header(record, DeadLetterHeaders.EXCEPTION))
                            .isEqualTo("io.wecomrelay.responder.delivery.DeliveryFailedException");
                    assertThat(TopicReader.header(record, DeadLetterHeaders.TOPIC)).isEqualTo(Topics.REJECTED.name());
                    assertThat(TopicReader.header(record, DeadLetterHeaders.SERVICE)).isEqualTo("wecom-relay-responder");
                    assertThat(record.headers().lastHeader(DeadLetterHeaders.PARTITION)).as("not read from a partition").isNull();
                });
    }

    @Test
    void aResponseUrlAnEarlierRunUsedWithoutNotingItIsRecordedDeliveredNotDeadLettered() {
        // Given a response_url reply whose send got through just before Redis failed (or the instance died): the
        // part is marked sending, never sent, and WeCom refuses the used response_url from now on
        String url = harness.wecom.newResponseUrl();
        MessageRejected rejected = queueResponseUrlReply(url);
        scope.diedAfterReading("bot-url", "dead-instance");
        useResponseUrl(url, "the earlier send");
        harness.template.opsForHash().put(keys.state(rejected.streamId()), "part:1", "sending");

        // When another instance takes the job over
        try (var alive = scope.instance("alive")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));
            assertThat(alive.meters().counter("relay.responder.outbox.parts.resumed", "state", "sending").count()).isEqualTo(1);
        }

        // Then the user saw the reply once, it is recorded as delivered, and nothing is dead-lettered
        assertThat(harness.wecom.messagesTo(OutboxHarness.code(url))).extracting(Message::content)
                .containsExactly("the earlier send");
        assertThat(deliveries(rejected.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::errcode)
                .containsExactly(tuple(DeliveryOutcome.DELIVERED, WeComApiSimulator.INVALID_RESPONSE_CODE));
        assertThat(OutboxHarness.deadLetters(Topics.REJECTED, rejected.streamId())).isEmpty();
        assertThat(harness.template.<String, String>opsForHash().entries(keys.state(rejected.streamId())))
                .containsEntry("done", "delivered").containsEntry("part:1", "recorded");
    }

    @Test
    void aResponseUrlUsedBeforeAnySendOfOursIsStillAFailure() {
        // Given a response_url reply nobody sent yet, whose response_url is already used
        String url = harness.wecom.newResponseUrl();
        MessageRejected rejected = queueResponseUrlReply(url);
        useResponseUrl(url, "someone else");

        // When
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));
        }

        // Then WeCom's refusal stands: recorded as failed and dead-lettered
        assertThat(deliveries(rejected.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason)
                .containsExactly(tuple(DeliveryOutcome.FAILED, DeliveryFailure.REJECTED));
        assertThat(OutboxHarness.deadLetters(Topics.REJECTED, rejected.streamId())).hasSize(1);
    }

    /** A reply to a message of the response_url bot, received now, queued for delivery to {@code url}. */
    private MessageRejected queueResponseUrlReply(String url) {
        MessageRejected rejected = OutboxHarness.withResponseUrl(Events.rejected("bot-url", "m-" + UUID.randomUUID(),
                Instant.now(), RejectReason.UNAUTHORIZED), url);
        scope.queue(rejected);
        return rejected;
    }

    /** Posts to the response_url as a send before this test's instances would: WeCom refuses it from now on. */
    private void useResponseUrl(String url, String content) {
        scope.client(List.of(harness.wecom.baseUrl())).toResponseUrl(URI.create(url), content).block();
    }

    @Test
    void anUnreadableJobIsMovedAsideAndTheBotsLaterJobsGoOn() {
        // Given a job without a source event ahead of a good one
        harness.template.opsForStream().add(keys.outbox("bot-a"), Map.of("streamId", "s-broken", "content", "x"));
        var stream = TestChunks.stream("bot-a");
        String text = "after the broken one " + stream.streamId();
        scope.queue(stream.last(1, 0, text));

        // When
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
        }

        // Then the good job was delivered once; a further copy only after a try that timed out on our side (a loaded
        // machine can pass the harness's 1 s send timeout), which WeCom may have taken all the same: the documented
        // at-least-once window of a send whose answer is lost
        List<DeliveryRecorded> records = deliveries(stream.streamId());
        assertThat(records).last().extracting(DeliveryRecorded::outcome).isEqualTo(DeliveryOutcome.DELIVERED);
        int timedOut = (int) records.stream()
                .filter(record -> record.outcome() == DeliveryOutcome.RETRYING && record.detail().equals("timeout")).count();
        assertThat(harness.messagesOf(KEY_A, stream.streamId())).hasSizeBetween(1, 1 + timedOut).containsOnly(text);
        assertThat(harness.template.opsForStream().range(keys.dead("bot-a"), Range.unbounded()))
                .singleElement().satisfies(dead -> assertThat(dead.getValue())
                        .containsEntry("streamId", "s-broken").containsEntry("reason", "no field sourceTopic"));
    }
}
