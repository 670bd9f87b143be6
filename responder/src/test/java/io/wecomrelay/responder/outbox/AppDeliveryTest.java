package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.APP_AGENT;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomapi.AppApis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A self-built app's replies through the outbox: real Redis, the real broker and the WeCom API simulator's gettoken
 * and message/send (one send per 600 ms per bot, so a test can act between two parts of one answer).
 */
class AppDeliveryTest {

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(1, Duration.ofMillis(600));

    final OutboxHarness.Scope scope = harness.scope();

    @Test
    void aLongAnswerArrivesInPartsOfAtMost2048BytesInOrderAndOnce() {
        // Given a finished answer of about 5 KB with a code block, to a user of its own
        var stream = toUser("zhangsan-" + UUID.randomUUID());
        String answer = longAnswer(stream.streamId());
        List<String> parts = MarkdownSplitter.split(answer, ReplyDeliverer.APP_MESSAGE_MAX_BYTES);
        assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
        int tokensBefore = harness.wecom.apps().tokensIssued();

        // When an instance delivers it
        try (var instance = scope.instance("one")) {
            scope.queue(stream.last(1, 0, answer));
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));
        }

        // Then the user got every part once, in order, each within WeCom's limit, on one token
        assertThat(contents(stream)).containsExactlyElementsOf(parts)
                .allSatisfy(part -> assertThat(part.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2_048));
        assertThat(harness.wecom.apps().messagesTo(APP_AGENT, stream.route().userId()))
                .extracting(AppApis.AppMessage::msgtype).containsOnly("text");
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::channel, DeliveryRecorded::outcome)
                .containsOnly(tuple(DeliveryChannel.APP_MESSAGE, DeliveryOutcome.DELIVERED)).hasSize(parts.size());
        assertThat(harness.wecom.apps().tokensIssued() - tokensBefore).isLessThanOrEqualTo(1);
        assertThat(harness.wecom.apps().dropped()).isEmpty();
    }

    @Test
    void aTokenThatExpiresInTheMiddleOfAnAnswerIsRenewedOnceAndNoPartIsLostOrRepeated() {
        var stream = toUser("lisi-" + UUID.randomUUID());
        String answer = longAnswer(stream.streamId());
        List<String> parts = MarkdownSplitter.split(answer, ReplyDeliverer.APP_MESSAGE_MAX_BYTES);

        try (var instance = scope.instance("one")) {
            scope.queue(stream.last(1, 0, answer));
            // When WeCom expires the token after the first part arrived (the next waits 600 ms for its permit)
            await().atMost(WAIT).until(() -> contents(stream).size() == 1);
            int tokensBefore = harness.wecom.apps().tokensIssued();
            harness.wecom.apps().expireTokens();
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));

            // Then one new token was fetched and every part arrived once, in order, each recorded delivered
            assertThat(harness.wecom.apps().tokensIssued()).isEqualTo(tokensBefore + 1);
        }
        assertThat(contents(stream)).containsExactlyElementsOf(parts);
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome)
                .containsOnly(DeliveryOutcome.DELIVERED).hasSize(parts.size());
    }

    @Test
    void frequencyLimitsAreRetriedWithBackoff() {
        var stream = toUser("wangwu-" + UUID.randomUUID());
        harness.wecom.apps().failNextSends(2, 45009);

        try (var instance = scope.instance("one")) {
            scope.queue(stream.last(1, 0, "短回答 " + stream.streamId()));
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));
        }

        assertThat(contents(stream)).containsExactly("短回答 " + stream.streamId());
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::errcode)
                .containsExactly(tuple(DeliveryOutcome.RETRYING, 45009), tuple(DeliveryOutcome.RETRYING, 45009),
                        tuple(DeliveryOutcome.DELIVERED, 0));
    }

    @Test
    void anUntrustedIpAndAnInvisibleUserAreRecordedFailedAndDeadLetteredWithTheReasonAndTheNextReplyStillGoesOut() {
        var untrusted = toUser("zhao-" + UUID.randomUUID());
        var invisible = toUser("qian-" + UUID.randomUUID());
        var fine = toUser("sun-" + UUID.randomUUID());
        harness.wecom.apps().hideUser(APP_AGENT, invisible.route().userId());

        try (var instance = scope.instance("one")) {
            harness.wecom.apps().failNextSends(1, 60020);
            scope.queue(untrusted.last(1, 0, "a " + untrusted.streamId()));
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));
            scope.queue(invisible.last(1, 0, "b " + invisible.streamId()));
            scope.queue(fine.last(1, 0, "c " + fine.streamId()));
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));
        }

        for (var failed : List.of(untrusted, invisible)) {
            assertThat(contents(failed)).isEmpty();
            assertThat(deliveries(failed.streamId())).singleElement().satisfies(record -> {
                assertThat(record.outcome()).isEqualTo(DeliveryOutcome.FAILED);
                assertThat(record.reason()).isEqualTo(DeliveryFailure.REJECTED);
            });
            assertThat(OutboxHarness.deadLetters(Topics.CHUNKS, failed.streamId())).singleElement().satisfies(record -> {
                assertThat(TopicReader.header(record, UndeliverableReplies.CHANNEL_HEADER)).isEqualTo("APP_MESSAGE");
                assertThat(TopicReader.header(record, UndeliverableReplies.FAILURE_HEADER)).isEqualTo("REJECTED");
            });
        }
        assertThat(deliveries(untrusted.streamId()).get(0).errcode()).isEqualTo(60020);
        assertThat(deliveries(invisible.streamId()).get(0).errcode()).isEqualTo(81013);
        assertThat(contents(fine)).containsExactly("c " + fine.streamId());
    }

    private static TestChunks toUser(String user) {
        return new TestChunks("bot-app", "s-" + UUID.randomUUID(), new ReplyRoute(ChatType.SINGLE, null, user, null));
    }

    private static List<String> contents(TestChunks stream) {
        return harness.wecom.apps().messagesTo(APP_AGENT, stream.route().userId()).stream()
                .map(AppApis.AppMessage::content).toList();
    }

    private static String longAnswer(String marker) {
        return "# 年假 " + marker + "\n\n" + "年假按工龄计算，入职满一年可休五天。\n".repeat(100)
                + "```\n" + "apply --days 5\n".repeat(40) + "```\n" + "结束。";
    }
}
