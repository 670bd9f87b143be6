package io.wecomrelay.cli.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.cli.Cli;
import io.wecomrelay.cli.Pipeline;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.topic.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The final reply from {@code wecom.replies} against the real broker: a stream whose chunks are gone (they are kept a
 * week, the messages and their replies 30 days) still shows what WeCom was shown and when the stream finished, and a
 * rejected message shows the text it got.
 */
class FinalReplyTrailTest {

    // not bot-a: ReplayTest writes bot-a's partition of wecom.inbound with records stamped up to two hours later, and a
    // partition read for a range stops at a record stamped well after it (when ReplayTest ran first, none was found)
    private static final String BOT = "bot-b";
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(3, ChronoUnit.HOURS);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static MessageReceived expired;
    private static MessageReceived rejected;
    private static MessageReceived both;

    @BeforeAll
    static void sendMessagesWhoseChunksAreGone() {
        Pipeline.topics();
        try (var pipeline = new Pipeline()) {
            // an answered message: its record on wecom.replies, its chunks expired
            expired = Pipeline.text(BOT, RUN + "-1", "carol-" + RUN, "how long are replies kept", T);
            var accepted = (MessageAccepted) pipeline.receive(expired);
            record(pipeline, reply(accepted, "三十天。", ReplyFinish.FINISHED, T.plusSeconds(6)));
            // a message of a bot the bots file does not know: rejected, and its stream finished with the rejection text
            rejected = Pipeline.text("bot-gone-" + RUN, RUN + "-2", "carol-" + RUN, "hello?", T.plusSeconds(10));
            var rejection = (MessageRejected) pipeline.receive(rejected);
            record(pipeline, new ReplyRecorded(meta(rejection, T.plusSeconds(11)), rejection.botId(), rejection.streamId(),
                    rejection.message().msgId(), rejection.message().chatType(), null, rejection.message().userId(),
                    ReplyChannel.STREAM, "机器人未配置", false, ReplyFinish.REJECTED, null, rejection.detail(),
                    rejection.reason(), T.plusSeconds(11), rejection.receivedAt(), rejection.decision().policyVersion()));
            // a message whose chunks are still there as well: the record is the reply shown, once
            both = Pipeline.text(BOT, RUN + "-3", "carol-" + RUN, "and the chunks?", T.plusSeconds(20));
            var alsoAccepted = (MessageAccepted) pipeline.receive(both);
            var chunk = new ReplyChunk(meta(alsoAccepted, T.plusSeconds(22)), BOT, alsoAccepted.streamId(),
                    alsoAccepted.conversationKey(), alsoAccepted.message().msgId(), 1, 0, ChunkKind.APPEND, "七天。", true,
                    null, null, List.of(), ReplyRoute.of(alsoAccepted.message()), alsoAccepted.receivedAt());
            pipeline.send(Topics.CHUNKS.name(), alsoAccepted.conversationKey(), chunk, T.plusSeconds(22).toEpochMilli());
            record(pipeline, reply(alsoAccepted, "七天。", ReplyFinish.FINISHED, T.plusSeconds(23)));
        }
    }

    private static ReplyRecorded reply(MessageAccepted accepted, String text, ReplyFinish finish, Instant at) {
        return new ReplyRecorded(meta(accepted, at), BOT, accepted.streamId(), accepted.message().msgId(),
                accepted.message().chatType(), accepted.message().chatId(), accepted.message().userId(), ReplyChannel.STREAM,
                text, false, finish, null, null, null, at, accepted.receivedAt(), accepted.decision().policyVersion());
    }

    private static void record(Pipeline pipeline, ReplyRecorded reply) {
        pipeline.send(Topics.REPLIES.name(), reply.streamId(), reply, reply.finishedAt().toEpochMilli());
    }

    private static EventMeta meta(RelayEvent event, Instant at) {
        return new EventMeta(ReplyRecorded.eventIdOf(event.streamId()), event.meta().traceId(), at);
    }

    @Test
    void aMessageWhoseChunksExpiredStillShowsWhatWeComWasShownAndWhenItFinished() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "message", "--bot", BOT,
                "--msgid", expired.message().msgId(), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isZero();
        List<JsonNode> lines = result.lines();
        assertThat(lines).extracting(line -> line.path("hop").asString()).containsExactly("received", "accepted", "reply");
        JsonNode reply = lines.get(2);
        assertThat(reply.path("text").asString()).isEqualTo("三十天。");
        assertThat(reply.path("state").asString()).isEqualTo("finished");
        assertThat(reply.path("channel").asString()).isEqualTo("STREAM");
        assertThat(reply.path("finishedAt").asString()).isEqualTo(T.plusSeconds(6).toString());
        assertThat(reply.path("from").asString()).isEqualTo(Topics.REPLIES.name());
        assertThat(reply.path("policyVersion").asString()).hasSize(12);
        assertThat(reply.path("since-receipt").asString()).isEqualTo("+6000 ms");
    }

    @Test
    void aTranscriptShowsEveryFinalReplyOnceFromWecomReplies() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "conversation", "--bot", BOT,
                "--user", "carol-" + RUN, "--from", T.toString(), "--to", T.plusSeconds(60).toString(), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isZero();
        List<JsonNode> lines = result.lines();
        assertThat(lines).extracting(line -> line.path("hop").asString())
                .containsExactly("received", "accepted", "reply", "received", "accepted", "reply");
        assertThat(lines.get(2).path("text").asString()).isEqualTo("三十天。");
        assertThat(lines.get(5).path("text").asString()).isEqualTo("七天。");
        assertThat(lines.get(5).path("from").asString()).isEqualTo(Topics.REPLIES.name());
    }

    @Test
    void aRejectedMessageShowsTheTextItGotForPeople() {
        Cli.Result result = Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.DAYS)), 1, "message", "--stream",
                rejected.streamId());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("rejected BOT_UNKNOWN, shown in the stream, policy none: 机器人未配置");
    }
}
