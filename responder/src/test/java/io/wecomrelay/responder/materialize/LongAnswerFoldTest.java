package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.Replies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Answers longer than a stream against a real Redis: the fold keeps the whole answer, the stream shows its first
 * part exactly as {@link Continuation} cuts it, and the record and the delivery job get the whole answer.
 */
class LongAnswerFoldTest {

    static final String TRUNCATED = "\n\n……（回复过长，已截断 / reply truncated）";
    static final String CONTINUED = "\n\n（续下条 / continued below）";
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final int MAX_ANSWER = 100_000;

    static TestRedis redis;
    static StringRedisTemplate template;
    static RedisStreamStateWriter store;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
        template = redis.template();
        store = new RedisStreamStateWriter(redis.reactive(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10),
                new RedisStreamStateWriter.Cuts(StreamStateKeys.MAX_CONTENT_BYTES, MAX_ANSWER, TRUNCATED, CONTINUED),
                new RedisStreamStateWriter.Replies("test-long-reply:", Duration.ofHours(24)));
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void aSixtyKilobyteAnswerIsKeptWholeAndTheStreamShowsItsFirstPart() {
        var stream = TestChunks.stream("bot-a");
        String answer = Replies.documented(60_000);
        String prefix = "test-long-" + stream.streamId() + ":";
        var ticket = new DeliveryTicket(prefix + "outbox:bot-a", prefix + "delivery", "wecom.chunks", "{}",
                Duration.ofHours(1), true);

        FoldResult last = foldAll(stream, answer, ticket, true);

        Map<String, String> state = state(stream);
        String shown = state.get(StreamStateKeys.CONTENT);
        assertThat(shown).isEqualTo(Continuation.of(answer, StreamStateKeys.MAX_CONTENT_BYTES, CONTINUED).shown())
                .endsWith(CONTINUED);
        assertThat(shown.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(StreamStateKeys.MAX_CONTENT_BYTES);
        assertThat(state.get("full")).isEqualTo(answer);
        assertThat(last.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(last.truncated()).isFalse();
        assertThat(last.content()).isEqualTo(answer);
        assertThat(last.contentBytes()).isEqualTo(answer.getBytes(StandardCharsets.UTF_8).length);
        // the record holds the whole answer, and the job the whole answer to continue from
        ReplyRecorded record = last.reply();
        assertThat(record).isNotNull();
        assertThat(record.text()).isEqualTo(answer);
        assertThat(last.queued()).isTrue();
        var jobs = template.opsForStream().range(prefix + "outbox:bot-a", Range.unbounded());
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).getValue().get("content")).isEqualTo(answer);
    }

    @Test
    void aStreamingBotsShortAnswerQueuesNoFollowUp() {
        var stream = TestChunks.stream("bot-a");
        String prefix = "test-long-" + stream.streamId() + ":";
        var ticket = new DeliveryTicket(prefix + "outbox:bot-a", prefix + "delivery", "wecom.chunks", "{}",
                Duration.ofHours(1), true);

        FoldResult last = foldAll(stream, Replies.documented(5_000), ticket, true);

        assertThat(last.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(last.queued()).isFalse();
        assertThat(template.hasKey(prefix + "outbox:bot-a")).isFalse();
        assertThat(state(stream)).doesNotContainKey("full");
    }

    @Test
    void anAnswerPastTheAnswerLimitIsCutThereWithTheTruncationNote() {
        var stream = TestChunks.stream("bot-a");
        String answer = Replies.documented(150_000);

        FoldResult last = foldAll(stream, answer, null, true);

        String expected = ContentCap.cap(answer, MAX_ANSWER, TRUNCATED);
        assertThat(last.content()).isEqualTo(expected).endsWith(TRUNCATED);
        assertThat(last.truncated()).isTrue();
        assertThat(state(stream).get("full")).isEqualTo(expected);
        assertThat(state(stream).get(StreamStateKeys.CONTENT))
                .isEqualTo(Continuation.of(expected, StreamStateKeys.MAX_CONTENT_BYTES, CONTINUED).shown());
    }

    @Test
    void aBotWithoutAFollowUpPathGetsTheStreamsLimitAndTheTruncationNote() {
        var stream = TestChunks.stream("bot-a");
        String answer = Replies.documented(60_000);

        FoldResult last = foldAll(stream, answer, null, false);

        String expected = ContentCap.cap(answer, StreamStateKeys.MAX_CONTENT_BYTES, TRUNCATED);
        assertThat(last.content()).isEqualTo(expected);
        assertThat(last.truncated()).isTrue();
        assertThat(state(stream).get(StreamStateKeys.CONTENT)).isEqualTo(expected);
        assertThat(state(stream)).doesNotContainKey("full");
    }

    @Test
    void aReplaceThatFitsAgainDropsTheWholeAnswer() {
        var stream = TestChunks.stream("bot-a");
        store.fold(new ChunkFold(stream.append(1, 0, Replies.documented(30_000)), null, null, true));
        assertThat(state(stream)).containsKey("full");

        store.fold(new ChunkFold(stream.replace(1, 1, "短的回答"), null, null, true));

        assertThat(state(stream)).doesNotContainKey("full").containsEntry(StreamStateKeys.CONTENT, "短的回答");
    }

    /** Folds the answer in pieces of about 700 characters, the last one finishing the stream. */
    private static FoldResult foldAll(TestChunks stream, String answer, DeliveryTicket ticket, boolean continues) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < answer.length(); ) {
            int end = Math.min(answer.length(), start + 700);
            if (end < answer.length() && Character.isLowSurrogate(answer.charAt(end))) {
                end++;
            }
            pieces.add(answer.substring(start, end));
            start = end;
        }
        FoldResult result = null;
        for (int seq = 0; seq < pieces.size(); seq++) {
            boolean last = seq == pieces.size() - 1;
            ReplyChunk chunk = last ? stream.last(1, seq, pieces.get(seq)) : stream.append(1, seq, pieces.get(seq));
            result = store.fold(new ChunkFold(chunk, last ? ticket : null, last ? records().draft(chunk) : null, continues));
        }
        return result;
    }

    private static ReplyRecords records() {
        return new ReplyRecords(() -> new BotRegistry(List.of()), reply -> Mono.empty(), store,
                Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());
    }

    private static Map<String, String> state(TestChunks stream) {
        return template.<String, String>opsForHash().entries(StreamStateKeys.key(stream.streamId()));
    }
}
