package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.code;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import io.wecomrelay.responder.LogCapture;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/**
 * A job that can never be delivered is recorded, dead-lettered and taken out of the outbox, so the bot's
 * next replies go out; nothing about its URL reaches the logs.
 */
class BadJobsTest {

    static final String SECRET = "SECRET-RESPONSE-CODE-4711";

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope();

    /** Before the fix such a job stayed pending, was retried every error-backoff and held back the bot forever. */
    @Test
    void aResponseUrlThatCannotBeParsedIsGivenUpWithoutItsUrlInAnyLogAndTheNextReplyGoesOut() {
        // Given a reply whose response_url java.net.URI cannot parse (a space in the query), then a good one
        var bad = TestChunks.stream("bot-url")
                .withResponseUrl("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=" + SECRET + " x");
        String url = harness.wecom.newResponseUrl();
        var good = TestChunks.stream("bot-url").withResponseUrl(url);
        scope.queue(bad.last(1, 0, "never sent"));
        scope.queue(good.last(1, 0, "the next reply"));

        // When
        try (var logs = new LogCapture(); var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));

            // Then the good one arrived, the bad one is recorded and dead-lettered, and its URL was never logged
            assertThat(harness.wecom.messagesTo(code(url))).singleElement().satisfies(message ->
                    assertThat(message.content()).isEqualTo("the next reply"));
            assertThat(logs.lines()).as("a log line of the bad job").anyMatch(line -> line.contains(bad.streamId()));
            assertThat(logs.lines()).noneMatch(line -> line.contains(SECRET) || line.contains("response_code"));
        }
        assertThat(deliveries(bad.streamId()))
                .extracting(DeliveryRecorded::outcome, DeliveryRecorded::reason, DeliveryRecorded::detail)
                .containsExactly(tuple(DeliveryOutcome.FAILED, DeliveryFailure.REFUSED_URL, "response_url refused: malformed"));
        assertThat(OutboxHarness.deadLetters(Topics.CHUNKS, bad.streamId())).singleElement().satisfies(record -> {
            assertThat(TopicReader.header(record, UndeliverableReplies.FAILURE_HEADER)).isEqualTo("REFUSED_URL");
            assertThat(TopicReader.header(record, DeadLetterHeaders.MESSAGE)).doesNotContain(SECRET);
        });
    }

    @Test
    void anHttpClientErrorIsPermanentAndTheNextReplyGoesOut() {
        // Given a reply that WeCom answers 400 Bad Request, then another reply of the same bot
        var refused = TestChunks.stream("bot-a");
        var next = TestChunks.stream("bot-a");
        scope.queue(refused.last(1, 0, "refused " + refused.streamId()));
        scope.queue(next.last(1, 0, "next " + next.streamId()));
        harness.wecom.failNext(1, 400);

        // When
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
        }

        // Then the first is given up after one attempt, the second arrives
        assertThat(deliveries(refused.streamId()))
                .extracting(DeliveryRecorded::attempt, DeliveryRecorded::outcome, DeliveryRecorded::reason, DeliveryRecorded::detail)
                .containsExactly(tuple(1, DeliveryOutcome.FAILED, DeliveryFailure.REJECTED, "HTTP 400"));
        assertThat(OutboxHarness.deadLetters(Topics.CHUNKS, refused.streamId())).hasSize(1);
        assertThat(harness.messagesOf(KEY_A, refused.streamId())).isEmpty();
        assertThat(harness.messagesOf(KEY_A, next.streamId())).containsExactly("next " + next.streamId());
    }

    @Test
    void tooManyRequestsIsRetried() {
        // Given a reply whose first send WeCom answers 429 Too Many Requests
        var stream = TestChunks.stream("bot-a");
        scope.queue(stream.last(1, 0, "after a 429 " + stream.streamId()));
        harness.wecom.failNext(1, 429);

        // When
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));
        }

        // Then
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome, DeliveryRecorded::detail)
                .containsExactly(tuple(DeliveryOutcome.RETRYING, "HTTP 429"), tuple(DeliveryOutcome.DELIVERED, "ok"));
        assertThat(harness.messagesOf(KEY_A, stream.streamId())).hasSize(1);
    }

    @Test
    void aResponseUrlOfAnUnlistedHostIsGivenUpAndNoHeaderNamesItsCode() {
        // Given a reply whose response_url names a host that is not on the allow-list
        var stream = TestChunks.stream("bot-url").withResponseUrl("https://evil.example.com/collect?response_code=" + SECRET);
        scope.queue(stream.last(1, 0, "to evil"));

        // When
        try (var instance = scope.instance("only")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));
        }

        // Then
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::reason, DeliveryRecorded::detail)
                .containsExactly(tuple(DeliveryFailure.REFUSED_URL, "response_url refused: host_not_allowed"));
        List<String> headers = OutboxHarness.deadLetters(Topics.CHUNKS, stream.streamId()).stream()
                .flatMap(record -> StreamSupport.stream(record.headers().spliterator(), false))
                .map(header -> new String(header.value(), StandardCharsets.UTF_8)).toList();
        assertThat(headers).isNotEmpty().noneMatch(value -> value.contains(SECRET));
    }
}
