package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.delivery.KeptRests;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.materialize.RedisStreamStateWriter;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.AnswerRestKeys;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Rest on request" on the responder's side, through the outbox with real Redis, the real broker and the WeCom
 * send-API simulator: a streaming bot's answer longer than its stream and one response_url message keeps what is
 * left for the asker's continue word.
 */
class RestOnRequestTest {

    static final String CONTINUED = RedisStreamStateWriter.Cuts.DEFAULT_CONTINUED_NOTE;
    static final String NOTE = KeptRests.DEFAULT_NOTE.replace(KeptRests.WORD, "继续");
    static final int MAX = ReplyDeliverer.RESPONSE_URL_MAX_BYTES;

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(30, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope();

    @Test
    void theResponseUrlMessageSaysHowToAskForTheRestWhichIsKeptInParts() {
        String answer = Replies.documented(100_000);
        var stream = TestChunks.stream("bot-stream").withResponseUrl(harness.wecom.newResponseUrl());

        double kept = deliver(stream, answer);

        List<String> parts = restParts(answer);
        List<String> sent = sentTo(stream);
        assertThat(sent).containsExactly(parts.get(0) + NOTE);
        assertThat(ContentCap.utf8Length(sent.get(0))).isLessThanOrEqualTo(MAX);
        Map<String, String> rest = rest(stream);
        assertThat(rest).containsEntry(AnswerRestKeys.USER, "zhangsan")
                .containsEntry(AnswerRestKeys.SOURCE, stream.streamId())
                .containsEntry(AnswerRestKeys.NOTE, NOTE)
                .containsEntry(AnswerRestKeys.NEXT, "1")
                .containsEntry(AnswerRestKeys.PARTS, Integer.toString(parts.size() - 1));
        assertThat(keptParts(rest)).containsExactlyElementsOf(parts.subList(1, parts.size()));
        assertThat(harness.template.getExpire(key(stream))).isBetween(3_500L, 3_600L);
        assertThat(kept).isEqualTo(1.0);
    }

    @Test
    void aNewerLongAnswerReplacesTheRestAndAnOlderOneDoesNot() {
        Instant now = Instant.now();
        var first = TestChunks.stream("bot-stream").withResponseUrl(harness.wecom.newResponseUrl()).receivedAt(now);
        var second = first.next().withResponseUrl(harness.wecom.newResponseUrl()).receivedAt(now.plusSeconds(60));
        var late = first.next().withResponseUrl(harness.wecom.newResponseUrl()).receivedAt(now.plusSeconds(30));
        String newer = "## 第二个回答\n" + Replies.documented(70_000);

        deliver(first, Replies.documented(90_000));
        deliver(second, newer);
        deliver(late, Replies.documented(80_000));

        Map<String, String> rest = rest(first);
        assertThat(rest).containsEntry(AnswerRestKeys.SOURCE, second.streamId());
        List<String> parts = restParts(newer);
        assertThat(keptParts(rest)).containsExactlyElementsOf(parts.subList(1, parts.size()));
    }

    @Test
    void theRestExpiresAfterItsTtl() {
        var stream = TestChunks.stream("bot-stream").withResponseUrl(harness.wecom.newResponseUrl());

        double kept = deliver(scope.withRestTtl(Duration.ofSeconds(2)), stream, Replies.documented(70_000));

        assertThat(kept).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(3)).until(() -> !harness.template.hasKey(key(stream)));
    }

    @Test
    void aResponseUrlMessageThatFailedForGoodIsKeptInFrontOfTheRest() {
        // an unknown response code: WeCom refuses it for good
        String url = harness.wecom.baseUrl() + "/cgi-bin/aibot/response?response_code=gone" + System.nanoTime();
        var stream = TestChunks.stream("bot-stream").withResponseUrl(url);
        String answer = Replies.documented(70_000);

        deliver(stream, answer);

        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome).contains(DeliveryOutcome.FAILED);
        assertThat(keptParts(rest(stream))).containsExactlyElementsOf(restParts(answer));
    }

    @Test
    void anAnswerThatFitsTheStreamAndOneMessageKeepsNothing() {
        var stream = TestChunks.stream("bot-stream").withResponseUrl(harness.wecom.newResponseUrl());

        deliver(stream, Replies.documented(35_000));

        assertThat(sentTo(stream)).singleElement().asString().doesNotContain(NOTE);
        assertThat(harness.template.hasKey(key(stream))).isFalse();
    }

    @Test
    void aBotWithoutContinueWordsKeepsNothing() {
        var stream = TestChunks.stream("bot-stream-cut").withResponseUrl(harness.wecom.newResponseUrl());

        deliver(stream, Replies.documented(70_000));

        assertThat(sentTo(stream)).singleElement().asString().endsWith(OutboxHarness.NOTE);
        assertThat(harness.template.hasKey(key(stream))).isFalse();
    }

    /** The parts the rest past the stream is split into: the first goes to the response_url. */
    static List<String> restParts(String answer) {
        String rest = Continuation.of(answer, MAX, CONTINUED).rest();
        return MarkdownSplitter.split(rest, MAX - ContentCap.utf8Length(NOTE));
    }

    private double deliver(TestChunks stream, String answer) {
        return deliver(scope, stream, answer);
    }

    /** Finishes the stream with {@code answer} and lets an instance deliver it; the rests kept meanwhile. */
    private static double deliver(OutboxHarness.Scope scope, TestChunks stream, String answer) {
        ReplyChunk last = stream.last(1, 0, answer);
        scope.queue(last);
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained(last.botId()) && !deliveries(last.streamId()).isEmpty());
            return instance.meters().counter("relay.responder.rests.kept", "bot", last.botId()).count();
        }
    }

    private static List<String> sentTo(TestChunks stream) {
        return harness.wecom.messagesTo(OutboxHarness.code(stream.route().responseUrl())).stream().map(Message::content).toList();
    }

    private static String key(TestChunks stream) {
        return AnswerRestKeys.key(stream.botId(), stream.conversationKey());
    }

    private static Map<String, String> rest(TestChunks stream) {
        return harness.template.<String, String>opsForHash().entries(key(stream));
    }

    private static List<String> keptParts(Map<String, String> rest) {
        var parts = new ArrayList<String>();
        for (int i = 1; rest.containsKey(AnswerRestKeys.part(i)); i++) {
            parts.add(rest.get(AnswerRestKeys.part(i)));
        }
        return parts;
    }
}
