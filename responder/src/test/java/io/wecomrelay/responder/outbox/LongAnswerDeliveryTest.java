package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.materialize.ChunkFold;
import io.wecomrelay.responder.materialize.FoldStatus;
import io.wecomrelay.responder.materialize.RedisStreamStateWriter;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Answers longer than one message, end to end through the outbox with real Redis, the real broker and the WeCom
 * send-API simulator (which refuses a message over its limit): a 60 KB answer of Chinese text with code blocks and
 * tables.
 */
class LongAnswerDeliveryTest {

    static final String CONTINUED = RedisStreamStateWriter.Cuts.DEFAULT_CONTINUED_NOTE;

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(30, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope();

    @Test
    void aWebhookBotSendsTheWholeAnswerInOrderEachPartOnceAlsoAfterARedelivery() {
        // Given a 60 KB answer of the webhook bot, finished and queued
        var stream = TestChunks.stream("bot-b");
        String answer = stream.streamId() + "\n" + Replies.documented(60_000);
        ReplyChunk last = stream.last(1, 0, answer);
        scope.queue(last);

        // When an instance delivers it, and the last chunk comes again (a redelivery after the delivery)
        List<String> expected = MarkdownSplitter.split(answer, ReplyDeliverer.WEBHOOK_MAX_BYTES);
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> harness.wecom.messagesTo(OutboxHarness.KEY_B).size() >= expected.size()
                    && scope.drained("bot-b"));
            var again = harness.store.foldAndQueue(last, scope.tickets().ticketFor(Topics.CHUNKS.name(), last).orElseThrow());
            assertThat(again.status()).isEqualTo(FoldStatus.FINAL);
            assertThat(again.queued()).isFalse();
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> scope.drained("bot-b"));
        }

        // Then WeCom got every part once, in order, each a whole markdown message within the webhook's limit
        List<String> sent = harness.wecom.messagesTo(OutboxHarness.KEY_B).stream().map(Message::content).toList();
        assertThat(sent).containsExactlyElementsOf(expected).hasSizeGreaterThanOrEqualTo(15);
        sent.forEach(part -> assertWithin(part, ReplyDeliverer.WEBHOOK_MAX_BYTES));
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::part)
                .containsExactlyElementsOf(range(1, expected.size()));
        assertThat(deliveries(stream.streamId())).allSatisfy(record -> {
            assertThat(record.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            assertThat(record.channel()).isEqualTo(DeliveryChannel.WEBHOOK);
        });
    }

    @Test
    void aStreamingBotsAnswerLongerThanItsStreamGoesOnAtTheResponseUrl() {
        // Given a 35 KB answer of the streaming bot: the stream shows the first 20 KB
        String answer = Replies.documented(35_000);
        Continuation split = Continuation.of(answer, StreamStateKeys.MAX_CONTENT_BYTES, CONTINUED);

        // When its stream finished and an instance delivered the rest
        StreamingDelivery delivery = streamingBotAnswers("bot-stream", answer);

        // Then the stream showed the first part, the response_url got the rest, once
        assertThat(delivery.shown()).isEqualTo(split.shown()).endsWith(CONTINUED);
        assertThat(delivery.sent()).containsExactly(split.rest());
        assertWithin(delivery.sent().get(0), ReplyDeliverer.RESPONSE_URL_MAX_BYTES);
        assertThat(deliveries(delivery.streamId())).extracting(DeliveryRecorded::channel, DeliveryRecorded::outcome)
                .containsExactly(tuple(DeliveryChannel.RESPONSE_URL, DeliveryOutcome.DELIVERED));
        assertThat(delivery.continuations()).isEqualTo(1);
    }

    @Test
    void aStreamingBotsRestLongerThanOneResponseUrlMessageIsCutThereWithoutContinueWords() {
        String answer = Replies.documented(60_000);

        StreamingDelivery delivery = streamingBotAnswers("bot-stream-cut", answer);

        String rest = Continuation.of(answer, StreamStateKeys.MAX_CONTENT_BYTES, CONTINUED).rest();
        assertThat(delivery.sent()).containsExactly(ContentCap.cap(rest, ReplyDeliverer.RESPONSE_URL_MAX_BYTES,
                OutboxHarness.NOTE)).allSatisfy(sent -> assertThat(sent).endsWith(OutboxHarness.NOTE));
        assertWithin(delivery.sent().get(0), ReplyDeliverer.RESPONSE_URL_MAX_BYTES);
    }

    /**
     * A long-connection bot's stream shows the first part with the continued note like a callback streaming bot's,
     * and the hash keeps the whole answer and the note for the connector, which sends the rest on the socket: no
     * outbox job.
     */
    @Test
    void aLongConnectionBotsLongAnswerKeepsTheWholeAnswerForTheConnector() {
        String answer = Replies.documented(60_000);
        var stream = TestChunks.stream("bot-ws");
        ReplyChunk last = stream.last(1, 0, answer);

        assertThat(scope.tickets().continues(last)).isTrue();
        assertThat(scope.tickets().ticketFor(Topics.CHUNKS.name(), last)).isEmpty();
        harness.store.fold(new ChunkFold(last, null, null, true));

        Map<String, String> state = harness.template.<String, String>opsForHash().entries(StreamStateKeys.key(stream.streamId()));
        assertThat(state).containsEntry(StreamStateKeys.FULL, answer).containsEntry(StreamStateKeys.CONTINUED_NOTE, CONTINUED)
                .containsEntry(StreamStateKeys.CONTENT, Continuation.of(answer, StreamStateKeys.MAX_CONTENT_BYTES, CONTINUED).shown());
    }

    /** What the streaming bot's stream showed, and what its response_url got, once an instance delivered. */
    private record StreamingDelivery(String streamId, String shown, List<String> sent, double continuations) {
    }

    private StreamingDelivery streamingBotAnswers(String botId, String answer) {
        String url = harness.wecom.newResponseUrl();
        var stream = TestChunks.stream(botId).withResponseUrl(url);
        scope.queue(stream.last(1, 0, answer));
        String shown = harness.template.<String, String>opsForHash().get(StreamStateKeys.key(stream.streamId()),
                StreamStateKeys.CONTENT);
        double continuations;
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained(botId));
            continuations = instance.meters().counter("relay.responder.continuations", "bot", botId, "channel",
                    "response_url", "outcome", "delivered").count();
        }
        List<String> sent = harness.wecom.messagesTo(OutboxHarness.code(url)).stream().map(Message::content).toList();
        return new StreamingDelivery(stream.streamId(), shown, sent, continuations);
    }

    @Test
    void aStreamingBotsMessageWithoutAResponseUrlHasNowhereToContinue() {
        ReplyChunk last = TestChunks.stream("bot-stream").last(1, 0, Replies.documented(30_000));

        assertThat(scope.tickets().continues(last)).isFalse();
        assertThat(scope.tickets().ticketFor(Topics.CHUNKS.name(), last)).isEmpty();
    }

    @Test
    void aStreamingBotsShortAnswerQueuesNothing() {
        var stream = TestChunks.stream("bot-stream").withResponseUrl(harness.wecom.newResponseUrl());
        ReplyChunk last = stream.last(1, 0, "一个简短的回答");

        var result = harness.store.foldAndQueue(last, scope.tickets().ticketFor(Topics.CHUNKS.name(), last).orElseThrow());

        assertThat(result.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(result.queued()).isFalse();
        assertThat(harness.template.hasKey(scope.keys.outbox("bot-stream"))).isFalse();
    }

    private static void assertWithin(String part, int max) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(max);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError("a part is not valid UTF-8", e);
        }
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            numbers.add(i);
        }
        return numbers;
    }
}
