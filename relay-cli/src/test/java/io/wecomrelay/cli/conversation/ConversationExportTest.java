package io.wecomrelay.cli.conversation;

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
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.topic.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code relay conversation} and {@code relay message} against the real broker: the export is what was sent. */
class ConversationExportTest {

    // bot-solo: three accepted messages per rolling minute, so the fourth is rate-limited
    private static final String BOT = "bot-solo";
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(2, ChronoUnit.HOURS);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static MessageReceived first;
    private static MessageReceived limited;

    @BeforeAll
    static void sendAConversation() {
        Pipeline.topics();
        try (var pipeline = new Pipeline()) {
            first = Pipeline.text(BOT, RUN + "-1", "alice-" + RUN, "what is the weather", T);
            var accepted = (MessageAccepted) pipeline.receive(first);
            pipeline.receive(Pipeline.text(BOT, RUN + "-2", "bob-" + RUN, "not alice's", T.plusSeconds(1)));
            pipeline.receive(Pipeline.text(BOT, RUN + "-3", "alice-" + RUN, "second question", T.plusSeconds(2)));
            limited = Pipeline.text(BOT, RUN + "-4", "alice-" + RUN, "third question", T.plusSeconds(3));
            pipeline.receive(limited);
            reply(pipeline, accepted, "Sunny, ", "25 degrees.");
            pipeline.send(Topics.DELIVERIES.name(), first.streamId(), new DeliveryRecorded(meta(T.plusSeconds(9)), BOT,
                    first.streamId(), DeliveryChannel.RESPONSE_URL, 1, 1, 1, DeliveryOutcome.RETRYING, 45009, "rate limited"),
                    T.plusSeconds(9).toEpochMilli());
            pipeline.send(Topics.DELIVERIES.name(), first.streamId(), new DeliveryRecorded(meta(T.plusSeconds(10)), BOT,
                    first.streamId(), DeliveryChannel.RESPONSE_URL, 1, 1, 2, DeliveryOutcome.DELIVERED, 0, "ok"),
                    T.plusSeconds(10).toEpochMilli());
        }
    }

    private static void reply(Pipeline pipeline, MessageAccepted accepted, String... parts) {
        for (int seq = 0; seq < parts.length; seq++) {
            boolean last = seq == parts.length - 1;
            var chunk = new ReplyChunk(meta(T.plusSeconds(5 + seq)), BOT, accepted.streamId(), accepted.conversationKey(),
                    accepted.message().msgId(), 1, seq, ChunkKind.APPEND, parts[seq], last, null, null, List.of(),
                    ReplyRoute.of(accepted.message()), accepted.receivedAt());
            pipeline.send(Topics.CHUNKS.name(), accepted.conversationKey(), chunk, T.plusSeconds(5 + seq).toEpochMilli());
        }
    }

    private static EventMeta meta(Instant at) {
        return new EventMeta(UUID.randomUUID(), "trace-" + RUN, at);
    }

    @Test
    void aUsersTranscriptHasEveryMessageDecisionReplyAndDelivery() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), 1, "conversation", "--bot", BOT,
                "--user", "alice-" + RUN, "--since", "2h", "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isZero();
        List<JsonNode> lines = result.lines();
        assertThat(lines).extracting(line -> line.path("hop").asString()).containsExactly(
                "received", "accepted", "reply", "delivery", "delivery",
                "received", "accepted",
                "received", "rejected");
        assertThat(lines.get(0).path("text").asString()).isEqualTo("what is the weather");
        assertThat(lines.get(0).path("userId").asString()).isEqualTo("alice-" + RUN);
        assertThat(lines.get(2).path("text").asString()).isEqualTo("Sunny, 25 degrees.");
        assertThat(lines.get(2).path("state").asString()).isEqualTo("finished");
        assertThat(lines.get(3).path("outcome").asString()).isEqualTo("RETRYING");
        assertThat(lines.get(4).path("outcome").asString()).isEqualTo("DELIVERED");
        assertThat(lines.get(8).path("reason").asString()).isEqualTo("RATE_LIMITED");
        assertThat(lines).noneMatch(line -> line.path("text").asString().equals("not alice's"));
    }

    @Test
    void theWholeBotIsExportedAsATableForPeople() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), 1, "conversation", "--bot", BOT,
                "--from", T.toString(), "--to", T.plusSeconds(60).toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("not alice's", "Sunny, 25 degrees.", "RATE_LIMITED (rate-limit)");
    }

    @Test
    void oneMessagesLifeHasEveryHopWithItsTime() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), 1, "message", "--bot", BOT,
                "--msgid", first.message().msgId(), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isZero();
        List<JsonNode> lines = result.lines();
        assertThat(lines).extracting(line -> line.path("hop").asString())
                .containsExactly("received", "accepted", "chunk", "chunk", "reply", "delivery", "delivery");
        assertThat(lines.get(lines.size() - 1).path("since-receipt").asString()).isEqualTo("+10000 ms");
    }

    @Test
    void aMessageNobodySentIsNotFound() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), 1, "message", "--bot", BOT,
                "--msgid", "never-" + RUN);

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("no topic has a record");
    }

    @Test
    void aRangeWithoutTheBotsMessagesIsNotFound() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), 1, "conversation", "--bot", BOT,
                "--user", "nobody-" + RUN, "--since", "2h");

        assertThat(result.code()).isEqualTo(1);
    }

}
