package io.wecomrelay.cli.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.cli.Cli;
import io.wecomrelay.cli.Pipeline;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.topic.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15, a complete audit trail, against the real broker: every hop of {@code relay message} and
 * {@code relay conversation} names its event's type (with the schema version) and the policy version its writer
 * applied, a record written before its type carried the version shows it unknown, and a reply record written twice
 * with one event id (a redelivery after the responder's reply key expired) is shown once, as first written.
 */
class AuditVersionsTest {

    // a partition of wecom.inbound no other test writes, at the time of the other trail tests (a partition read for a
    // range stops at a record stamped well after it)
    private static final String BOT = "bot-b";
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(3, ChronoUnit.HOURS);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String USER = "dave-" + RUN;
    private static final String POLICY = Pipeline.bots().find(BOT).orElseThrow().policyVersion();

    private static MessageReceived answered;
    private static MessageReceived old;

    @BeforeAll
    static void writeOneMessagesTrail() {
        Pipeline.topics();
        try (var pipeline = new Pipeline()) {
            MessageReceived plain = Pipeline.text(BOT, RUN + "-1", USER, "which version?", T);
            answered = new MessageReceived(plain.meta(), BOT, plain.streamId(), plain.message(), POLICY);
            var accepted = (MessageAccepted) pipeline.receive(answered);
            pipeline.send(Topics.CHUNKS.name(), accepted.conversationKey(), chunk(accepted, 0, "第一版", false), at(2));
            pipeline.send(Topics.CHUNKS.name(), accepted.conversationKey(), chunk(accepted, 1, "的回答。", true), at(3));
            pipeline.send(Topics.OUTBOUND.name(), BOT, new StreamChanged(meta(accepted, UUID.randomUUID(), 3),
                    BOT, accepted.streamId(), POLICY), at(3));
            pipeline.send(Topics.REPLIES.name(), accepted.streamId(), reply(accepted, "第一版的回答。", 4), at(4));
            pipeline.send(Topics.DELIVERIES.name(), accepted.streamId(), new DeliveryRecorded(
                    meta(accepted, UUID.randomUUID(), 5), BOT, accepted.streamId(), DeliveryChannel.WEBHOOK, 1, 1, 1,
                    DeliveryOutcome.DELIVERED, 0, "ok", null, accepted.receivedAt(), POLICY), at(5));
            // the last chunk redelivered a day later, after the reply key expired: a second record, same event id
            pipeline.send(Topics.REPLIES.name(), accepted.streamId(), reply(accepted, "的回答。", 6), at(6));

            // a receipt written before receipts carried the policy version
            old = Pipeline.text(BOT, RUN + "-2", USER, "and before?", T.plusSeconds(10));
            pipeline.receive(old);
        }
    }

    private static ReplyChunk chunk(MessageAccepted accepted, long seq, String text, boolean last) {
        return new ReplyChunk(meta(accepted, UUID.randomUUID(), 2 + seq), BOT, accepted.streamId(),
                accepted.conversationKey(), accepted.message().msgId(), 1, seq, ChunkKind.APPEND, text, last, null, null,
                List.of(), ReplyRoute.of(accepted.message()), accepted.receivedAt(), List.of(), POLICY);
    }

    private static ReplyRecorded reply(MessageAccepted accepted, String text, long second) {
        return new ReplyRecorded(meta(accepted, ReplyRecorded.eventIdOf(accepted.streamId()), second), BOT,
                accepted.streamId(), accepted.message().msgId(), accepted.message().chatType(), null, USER,
                ReplyChannel.WEBHOOK, text, false, ReplyFinish.FINISHED, null, null, null, T.plusSeconds(second),
                accepted.receivedAt(), POLICY);
    }

    private static EventMeta meta(MessageAccepted accepted, UUID eventId, long second) {
        return new EventMeta(eventId, accepted.meta().traceId(), T.plusSeconds(second));
    }

    private static long at(long second) {
        return T.plusSeconds(second).toEpochMilli();
    }

    @Test
    void everyHopOfAMessageNamesItsTypeAndThePolicyVersionItsWriterApplied() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "message", "--bot", BOT,
                "--msgid", answered.message().msgId(), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isZero();
        List<JsonNode> lines = result.lines();
        assertThat(lines).extracting(line -> line.path("hop").asString())
                .containsExactly("received", "accepted", "chunk", "chunk", "stream-changed", "reply", "delivery");
        assertThat(lines).extracting(line -> line.path("type").asString()).containsExactly("message-received.v1",
                "message-accepted.v1", "reply-chunk.v1", "reply-chunk.v1", "stream-changed.v1", "reply-recorded.v1",
                "delivery-recorded.v1");
        assertThat(lines).extracting(line -> line.path("policyVersion").asString()).containsOnly(POLICY);
        assertThat(lines.get(5).path("text").asString()).as("the record as first written").isEqualTo("第一版的回答。");
    }

    @Test
    void theTableHasAPolicyColumnAndAReceiptWrittenBeforeItExistedShowsItUnknown() {
        Cli.Result current = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "message", "--bot", BOT,
                "--msgid", answered.message().msgId());
        Cli.Result before = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "message", "--bot", BOT,
                "--msgid", old.message().msgId(), "--format", "jsonl");

        assertThat(current.code()).as(current.err()).isZero();
        assertThat(current.out()).contains("policy").containsPattern("received +wecom\\.inbound-\\d+@\\d+ +" + POLICY);
        assertThat(before.code()).as(before.err()).isZero();
        JsonNode receipt = before.lines().get(0);
        assertThat(receipt.path("hop").asString()).isEqualTo("received");
        assertThat(receipt.path("type").asString()).isEqualTo("message-received.v1");
        assertThat(receipt.path("policyVersion").isNull()).as(receipt.toString()).isTrue();
        assertThat(before.lines().get(1).path("policyVersion").asString()).as("the decision's").isEqualTo(POLICY);
    }

    @Test
    void aTranscriptShowsAReplyRecordedTwiceWithOneEventIdOnce() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "conversation", "--bot", BOT,
                "--user", USER, "--from", T.toString(), "--to", T.plusSeconds(60).toString(), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isZero();
        List<JsonNode> replies = result.lines().stream().filter(line -> line.path("hop").asString().equals("reply")).toList();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).path("text").asString()).isEqualTo("第一版的回答。");
        assertThat(replies.get(0).path("policyVersion").asString()).isEqualTo(POLICY);
        assertThat(result.lines()).filteredOn(line -> line.path("hop").asString().equals("received"))
                .extracting(line -> line.path("type").asString()).containsOnly("message-received.v1");
    }
}
