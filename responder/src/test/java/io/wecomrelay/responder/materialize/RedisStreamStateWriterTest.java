package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** The fold script against a real Redis. Every test uses its own stream id. */
class RedisStreamStateWriterTest {

    static final String NOTE = "\n\n……（回复过长，已截断 / reply truncated）";
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final RedisStreamStateWriter.Replies REPLIES = new RedisStreamStateWriter.Replies("test-reply:", Duration.ofHours(24));

    static TestRedis redis;
    static StringRedisTemplate template;
    static RedisStreamStateWriter store;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
        template = redis.template();
        store = new RedisStreamStateWriter(redis.reactive(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, NOTE, REPLIES);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void appendsInOrderAndFinishesOnce() {
        var stream = TestChunks.stream("bot-a");

        assertThat(store.fold(stream.append(1, 0, "你好")).status()).isEqualTo(FoldStatus.APPLIED);
        assertThat(store.fold(stream.append(1, 1, "，世界")).status()).isEqualTo(FoldStatus.APPLIED);
        FoldResult last = store.fold(stream.last(1, 2, "！"));

        assertThat(last.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(last.content()).isEqualTo("你好，世界！");
        assertThat(state(stream)).containsEntry("content", "你好，世界！").containsEntry("finish", "1")
                .containsEntry("attempt", "1").containsEntry("seq", "2")
                .containsEntry("updatedAt", Long.toString(NOW.toEpochMilli())).doesNotContainKey("error");
        assertThat(template.getExpire(key(stream))).isBetween(590L, 600L);
    }

    @Test
    void redeliveredAndReorderedChunksChangeNothing() {
        var stream = TestChunks.stream("bot-a");
        ReplyChunk first = stream.append(1, 0, "a");
        store.fold(first);
        store.fold(stream.append(1, 1, "b"));
        store.fold(stream.append(1, 2, "c"));

        assertThat(store.fold(first).status()).isEqualTo(FoldStatus.DUPLICATE);
        assertThat(store.fold(stream.append(1, 1, "b")).status()).isEqualTo(FoldStatus.DUPLICATE);

        assertThat(state(stream)).containsEntry("content", "abc").containsEntry("seq", "2");
    }

    @Test
    void aRedeliveredLastChunkNeverFinishesTwice() {
        var stream = TestChunks.stream("bot-a");
        ReplyChunk last = stream.last(1, 0, "done");
        assertThat(store.fold(last).status()).isEqualTo(FoldStatus.FINISHED);

        assertThat(store.fold(last).status()).isEqualTo(FoldStatus.FINAL);
        assertThat(store.fold(stream.last(2, 0, "a later attempt")).status()).isEqualTo(FoldStatus.FINAL);
        assertThat(state(stream)).containsEntry("content", "done");
    }

    @Test
    void aNewerAttemptReplacesThePartialTextAndOlderAttemptsAreIgnored() {
        var stream = TestChunks.stream("bot-a");
        store.fold(stream.append(1, 0, "half an answer from a worker that died"));
        store.fold(stream.append(1, 1, "..."));

        assertThat(store.fold(stream.append(2, 0, "fresh ")).status()).isEqualTo(FoldStatus.APPLIED);
        assertThat(store.fold(stream.append(1, 2, "late chunk of the dead worker")).status()).isEqualTo(FoldStatus.STALE);
        store.fold(stream.last(2, 1, "answer"));

        assertThat(state(stream)).containsEntry("content", "fresh answer").containsEntry("attempt", "2")
                .containsEntry("finish", "1");
    }

    @Test
    void replaceChunksReplaceTheAttemptsText() {
        var stream = TestChunks.stream("bot-a");
        store.fold(stream.append(1, 0, "draft"));

        store.fold(stream.replace(1, 1, "moderated"));
        store.fold(stream.append(1, 2, " text"));

        assertThat(state(stream)).containsEntry("content", "moderated text");
    }

    @Test
    void aGapIsFoldedAndReported() {
        var stream = TestChunks.stream("bot-a");
        store.fold(stream.append(1, 0, "a"));

        FoldResult result = store.fold(stream.append(1, 2, "c"));

        assertThat(result.gap()).isTrue();
        assertThat(result.status()).isEqualTo(FoldStatus.APPLIED);
        assertThat(state(stream)).containsEntry("content", "ac").containsEntry("seq", "2");
        assertThat(store.fold(stream.append(1, 1, "b")).status()).isEqualTo(FoldStatus.DUPLICATE);
    }

    @Test
    void aReplaceNeedsNothingBeforeItAndIsNeverAGap() {
        var stream = TestChunks.stream("bot-a");
        store.fold(stream.append(1, 0, "a"));

        FoldResult pastMissingPreviews = store.fold(stream.replace(1, 3, "the whole answer so far"));
        FoldResult lastOfAnotherAttempt = store.fold(stream.last(2, 5, "").replacing("the whole answer"));

        assertThat(pastMissingPreviews.gap()).isFalse();
        assertThat(lastOfAnotherAttempt.gap()).as("the llm-worker's last chunk, its previews skipped").isFalse();
        assertThat(lastOfAnotherAttempt.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(state(stream)).containsEntry("content", "the whole answer").containsEntry("seq", "5");
    }

    @Test
    void acceptsAHashThatIngressSeededWithCreatedOnly() {
        var stream = TestChunks.stream("bot-a");
        template.opsForHash().putIfAbsent(key(stream), StreamStateKeys.CREATED, "1893456000000");

        FoldResult result = store.fold(stream.last(1, 0, "hi"));

        assertThat(result.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(result.created()).isEqualTo(Instant.ofEpochMilli(1_893_456_000_000L));
        assertThat(state(stream)).containsEntry("created", "1893456000000").containsEntry("content", "hi");
    }

    @Test
    void aFailedLastChunkStoresItsErrorAndImages() {
        var stream = TestChunks.stream("bot-a");

        store.fold(stream.failed(1, 0, "抱歉，出错了。", List.of("https://example.com/cat.png")));

        assertThat(state(stream)).containsEntry("error", "completion_request_error")
                .containsEntry("images", "[\"https://example.com/cat.png\"]").containsEntry("finish", "1");
    }

    @Test
    void attachedImagesAreNamedByKeyAndMd5ForIngressNeverByTheirBytes() {
        var stream = TestChunks.stream("bot-a");
        String key = StreamStateKeys.imageKey(stream.streamId(), 1, 0);
        var last = stream.last(1, 0, "the chart").withImages(ChunkKind.REPLACE, "the chart", List.of("https://legacy/x.png"),
                List.of(new ReplyImage(key, "0123456789abcdef0123456789abcdef", 2_048, ImageFormat.PNG)));

        store.fold(last);

        assertThat(state(stream)).containsEntry("content", "the chart").containsEntry("finish", "1").containsEntry("images",
                "[\"https://legacy/x.png\",{\"key\":\"" + key + "\",\"md5\":\"0123456789abcdef0123456789abcdef\"}]");
    }

    @Test
    void truncatesA30KbReplyExactlyAsContentCapDoes() {
        // Given a 30 KB reply streamed in chunks of about 700 characters
        var stream = TestChunks.stream("bot-a");
        String reply = Replies.mixed(30_000);
        List<String> pieces = TestChunks.pieces(reply, 700);

        // When every piece is folded, the last one finishing the stream
        FoldResult result = null;
        for (int seq = 0; seq < pieces.size(); seq++) {
            boolean last = seq == pieces.size() - 1;
            result = store.fold(last ? stream.last(1, seq, pieces.get(seq)) : stream.append(1, seq, pieces.get(seq)));
        }

        // Then Redis holds what the Java rule says, within the limit, with the note
        String expected = ContentCap.cap(reply, StreamStateKeys.MAX_CONTENT_BYTES, NOTE);
        assertThat(result.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(result.truncated()).isTrue();
        assertThat(state(stream).get("content")).isEqualTo(expected);
        assertThat(result.content()).isEqualTo(expected);
        assertThat(result.contentBytes()).isLessThanOrEqualTo(StreamStateKeys.MAX_CONTENT_BYTES);
    }

    @Test
    void truncatesALongCodeBlockAndClosesIt() {
        var stream = TestChunks.stream("bot-a");
        String code = "```python\n" + "print('第一行代码')\n".repeat(1_500);

        store.fold(stream.append(1, 0, code));
        store.fold(stream.last(1, 1, "\n```\nmore text after the block"));

        String content = state(stream).get("content");
        assertThat(content).isEqualTo(ContentCap.cap(code, StreamStateKeys.MAX_CONTENT_BYTES, NOTE)).endsWith("\n```" + NOTE);
    }

    @Test
    void aRejectionFinishesAFreshStreamOnce() {
        var rejection = Events.rejected("bot-a", "m-" + System.nanoTime(), NOW, RejectReason.RATE_LIMITED);

        FoldResult first = store.reject(rejection, "请稍后再试");
        FoldResult again = store.reject(rejection, "请稍后再试");

        assertThat(first.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(again.status()).isEqualTo(FoldStatus.FINAL);
        assertThat(template.<String, String>opsForHash().entries(StreamStateKeys.key(rejection.streamId())))
                .containsEntry("content", "请稍后再试").containsEntry("finish", "1").containsEntry("rejected", "rate_limited");
    }

    @Test
    void everyWriteRecordsTheStreamsOwnerOnceAndNeverReplacesIt() {
        // a fold (with and without a delivery ticket) and a rejection each record the owner of a stream they create
        var folded = TestChunks.stream("bot-a");
        store.fold(folded.append(1, 0, "你好"));
        var queued = TestChunks.stream("bot-a");
        store.foldAndQueue(queued.last(1, 0, "done"), ticket(queued.streamId(), "wecom.chunks", "{}"));
        var rejection = Events.rejected("bot-a", "m-" + System.nanoTime(), NOW, RejectReason.RATE_LIMITED);
        store.rejectAndQueue(rejection, "请稍后再试", ticket(rejection.streamId(), "wecom.rejected", "{}"));

        assertThat(state(folded)).containsEntry(StreamStateKeys.OWNER, "bot-a");
        assertThat(state(queued)).containsEntry(StreamStateKeys.OWNER, "bot-a");
        assertThat(template.<String, String>opsForHash().entries(StreamStateKeys.key(rejection.streamId())))
                .containsEntry(StreamStateKeys.OWNER, "bot-a");

        // an owner ingress recorded first stays
        var marked = TestChunks.stream("bot-b");
        template.opsForHash().putIfAbsent(key(marked), StreamStateKeys.OWNER, "bot-marked-by-ingress");
        store.fold(marked.append(1, 0, "x"));
        assertThat(state(marked)).containsEntry(StreamStateKeys.OWNER, "bot-marked-by-ingress");
    }

    @Test
    void aRejectionNeverOverwritesAStreamThatHasChunks() {
        var rejection = Events.rejected("bot-a", "m-" + System.nanoTime(), NOW, RejectReason.UNSUPPORTED);
        var stream = new TestChunks("bot-a", rejection.streamId(), TestChunks.stream("bot-a").route());
        store.fold(stream.append(1, 0, "an answer is on its way"));

        assertThat(store.reject(rejection, "不支持").status()).isEqualTo(FoldStatus.FINAL);
        assertThat(state(stream)).containsEntry("content", "an answer is on its way").containsEntry("finish", "0");
    }

    @Test
    void theFoldThatFinishesAStreamQueuesItsDeliveryJobOnce() {
        // Given a stream of a bot that delivers actively
        var stream = TestChunks.stream("bot-a");
        DeliveryTicket ticket = ticket(stream.streamId(), "wecom.chunks", "{\"type\":\"reply-chunk.v1\"}");
        template.opsForHash().putIfAbsent(key(stream), StreamStateKeys.CREATED, "1893456000000");

        // When chunks are folded with the ticket, the last one twice
        FoldResult middle = store.foldAndQueue(stream.append(1, 0, "你好"), ticket);
        FoldResult last = store.foldAndQueue(stream.last(1, 1, "！"), ticket);
        FoldResult again = store.foldAndQueue(stream.last(1, 1, "！"), ticket);

        // Then exactly one job holds the final content, the arrival time and the source event
        assertThat(middle.queued()).isFalse();
        assertThat(last.queued()).isTrue();
        assertThat(again.status()).isEqualTo(FoldStatus.FINAL);
        assertThat(again.queued()).isFalse();
        List<MapRecord<String, Object, Object>> jobs = template.opsForStream().range(ticket.outboxKey(), Range.unbounded());
        assertThat(jobs).singleElement().satisfies(job -> assertThat(job.getValue())
                .containsEntry("streamId", stream.streamId()).containsEntry("content", "你好！")
                .containsEntry("created", "1893456000000").containsEntry("sourceTopic", "wecom.chunks")
                .containsEntry("source", "{\"type\":\"reply-chunk.v1\"}"));
        assertThat(template.<String, String>opsForHash().entries(ticket.stateKey()))
                .containsEntry("queued", jobs.get(0).getId().getValue());
        assertThat(template.getExpire(ticket.stateKey())).isBetween(86_000L, 86_400L);
    }

    @Test
    void aLastChunkRedeliveredAfterTheStreamHashExpiredIsNotQueuedAgain() {
        var stream = TestChunks.stream("bot-a");
        DeliveryTicket ticket = ticket(stream.streamId(), "wecom.chunks", "{}");
        store.foldAndQueue(stream.last(1, 0, "done"), ticket);

        template.delete(key(stream));
        FoldResult replay = store.foldAndQueue(stream.last(1, 0, "done"), ticket);

        assertThat(replay.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(replay.queued()).isFalse();
        assertThat(template.opsForStream().size(ticket.outboxKey())).isEqualTo(1);
    }

    @Test
    void aLastChunkThatFindsNoArrivalTimeIsQueuedWithItsMessagesReceiveTimeNotTheFoldsTime() {
        // a replayed chunk whose stream hash (and ingress's 'created') expired long ago: the job must not look new
        Instant received = NOW.minus(Duration.ofHours(5));
        var stream = TestChunks.stream("bot-a").receivedAt(received);
        var legacy = TestChunks.stream("bot-a").withoutReceiveTime(NOW.minus(Duration.ofHours(4)));
        DeliveryTicket ticket = ticket(stream.streamId(), "wecom.chunks", "{}");
        DeliveryTicket legacyTicket = ticket(legacy.streamId(), "wecom.chunks", "{}");

        store.foldAndQueue(stream.last(1, 0, "old answer"), ticket);
        store.foldAndQueue(legacy.last(1, 0, "older worker's answer"), legacyTicket);

        assertThat(template.opsForStream().range(ticket.outboxKey(), Range.unbounded())).singleElement()
                .satisfies(job -> assertThat(job.getValue()).containsEntry("created", Long.toString(received.toEpochMilli())));
        assertThat(template.opsForStream().range(legacyTicket.outboxKey(), Range.unbounded())).singleElement()
                .satisfies(job -> assertThat(job.getValue()).as("dated by the chunk's event time")
                        .containsEntry("created", Long.toString(NOW.minus(Duration.ofHours(4)).toEpochMilli())));
    }

    @Test
    void aRejectionOfABotThatDeliversActivelyIsQueuedWithTheMessagesArrivalTime() {
        var rejection = Events.rejected("bot-a", "m-" + System.nanoTime(), NOW, RejectReason.UNAUTHORIZED);
        DeliveryTicket ticket = ticket(rejection.streamId(), "wecom.rejected", "{}");

        FoldResult result = store.rejectAndQueue(rejection, "无权使用", ticket);
        FoldResult again = store.rejectAndQueue(rejection, "无权使用", ticket);

        assertThat(result.queued()).isTrue();
        assertThat(again.queued()).isFalse();
        assertThat(template.opsForStream().range(ticket.outboxKey(), Range.unbounded())).singleElement()
                .satisfies(job -> assertThat(job.getValue()).containsEntry("content", "无权使用")
                        .containsEntry("created", Long.toString(NOW.toEpochMilli())));
    }

    @Test
    void foldsABatchOfInterleavedStreamsInTheOrderOfEachStream() {
        // Given three streams whose chunks are interleaved, one finishing with a delivery ticket
        var a = TestChunks.stream("bot-a");
        var b = TestChunks.stream("bot-a");
        var c = TestChunks.stream("bot-a");
        DeliveryTicket ticket = ticket(c.streamId(), "wecom.chunks", "{}");
        List<ChunkFold> folds = List.of(fold(a.append(1, 0, "a0")), fold(b.append(1, 0, "b0")), fold(a.append(1, 1, "a1")),
                fold(c.append(1, 0, "c0")), fold(a.replace(1, 2, "A")), fold(b.append(1, 1, "b1")), fold(a.append(1, 3, "3")),
                fold(b.append(1, 0, "b0")), new ChunkFold(c.last(1, 1, "c1"), ticket), fold(a.last(1, 4, "4")));

        // When
        List<FoldOutcome> outcomes = store.foldAll(folds);

        // Then every fold ran, each stream in its order, and only the redelivered chunk was a duplicate
        assertThat(outcomes).hasSize(folds.size()).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(FoldOutcome.Folded.class));
        assertThat(outcomes).extracting(outcome -> ((FoldOutcome.Folded) outcome).result().status()).containsExactly(
                FoldStatus.APPLIED, FoldStatus.APPLIED, FoldStatus.APPLIED, FoldStatus.APPLIED, FoldStatus.APPLIED,
                FoldStatus.APPLIED, FoldStatus.APPLIED, FoldStatus.DUPLICATE, FoldStatus.FINISHED, FoldStatus.FINISHED);
        assertThat(state(a)).containsEntry("content", "A34").containsEntry("seq", "4").containsEntry("finish", "1");
        assertThat(state(b)).containsEntry("content", "b0b1").containsEntry("finish", "0");
        assertThat(state(c)).containsEntry("content", "c0c1").containsEntry("finish", "1");
        assertThat(((FoldOutcome.Folded) outcomes.get(8)).result().queued()).isTrue();
        assertThat(template.opsForStream().size(ticket.outboxKey())).isEqualTo(1);
    }

    @Test
    void aFailedFoldStopsOnlyItsOwnStream() {
        // Given a stream whose key is not a hash, so that Redis refuses its folds
        var broken = TestChunks.stream("bot-a");
        var fine = TestChunks.stream("bot-a");
        template.opsForValue().set(key(broken), "not a hash");

        // When
        List<FoldOutcome> outcomes = store.foldAll(List.of(fold(broken.append(1, 0, "x")), fold(fine.append(1, 0, "f0")),
                fold(broken.append(1, 1, "y")), fold(fine.last(1, 1, "f1"))));

        // Then the broken stream's later chunk was not sent, the other stream was folded
        assertThat(outcomes.get(0)).isInstanceOf(FoldOutcome.Failed.class);
        assertThat(outcomes.get(1)).isInstanceOf(FoldOutcome.Folded.class);
        assertThat(outcomes.get(2)).isInstanceOf(FoldOutcome.NotTried.class);
        assertThat(outcomes.get(3)).isInstanceOf(FoldOutcome.Folded.class);
        assertThat(state(fine)).containsEntry("content", "f0f1").containsEntry("finish", "1");
        assertThat(template.opsForValue().get(key(broken))).isEqualTo("not a hash");
    }

    @Test
    void aStreamsFoldsBehindAFailedOneAreNeverSent() {
        // Given a connection that refuses the fold of the chunk "boom" and notes every fold it sends
        List<String> sent = new CopyOnWriteArrayList<>();
        var refusing = new ReactiveStringRedisTemplate(redis.connectionFactory()) {
            @Override
            public <T> Flux<T> execute(RedisScript<T> script, List<String> keys, List<?> args) {
                return Flux.defer(() -> {
                    String text = String.valueOf(args.get(3));
                    sent.add(text);
                    if (!"boom".equals(text)) {
                        return super.execute(script, keys, args);
                    }
                    // refused a little later, as Redis's reply would come
                    return Flux.<T>error(new IllegalStateException("refused")).delaySubscription(Duration.ofMillis(50));
                });
            }
        };
        var store = new RedisStreamStateWriter(refusing, Clock.systemUTC(), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, NOTE, REPLIES);
        var a = TestChunks.stream("bot-a");
        var b = TestChunks.stream("bot-a");

        // When
        List<FoldOutcome> outcomes = store.foldAll(List.of(fold(a.append(1, 0, "a0")), fold(b.append(1, 0, "b0")),
                fold(a.append(1, 1, "boom")), fold(b.append(1, 1, "b1")), fold(a.append(1, 2, "a2")), fold(a.last(1, 3, "a3"))));

        // Then a2 and a3 never reached Redis (folded ahead of the refused chunk, they would make it a duplicate)
        assertThat(outcomes).extracting(outcome -> outcome.getClass().getSimpleName())
                .containsExactly("Folded", "Folded", "Failed", "Folded", "NotTried", "NotTried");
        assertThat(sent).containsExactlyInAnyOrder("a0", "b0", "boom", "b1");
        assertThat(state(a)).containsEntry("content", "a0").containsEntry("seq", "0");
        assertThat(state(b)).containsEntry("content", "b0b1");
    }

    @Test
    void theFoldThatFinishesAStreamKeepsItsReplyRecordAndHandsItBackTheSameUntilItIsMarked() {
        // Given a stream folded to its end with the draft of its reply record
        var stream = TestChunks.stream("bot-a");
        ReplyChunk last = stream.last(1, 1, "！");
        FoldResult middle = store.fold(new ChunkFold(stream.append(1, 0, "你好"), null, null));
        FoldResult finished = store.fold(new ChunkFold(last, null, draft(last, NOW)));

        // When the last chunk comes again, drafted later, before and after the record is marked published
        FoldResult redelivered = store.fold(new ChunkFold(last, null, draft(last, NOW.plusSeconds(30))));
        store.markRecorded(stream.streamId()).block();
        FoldResult afterTheMark = store.fold(new ChunkFold(last, null, draft(last, NOW.plusSeconds(60))));

        // Then the finishing fold handed back the final text, the redelivery the same bytes, the one after the mark none
        assertThat(middle.reply()).isNull();
        assertThat(finished.reply()).isNotNull().satisfies(reply -> {
            assertThat(reply.text()).isEqualTo("你好！");
            assertThat(reply.truncated()).isFalse();
            assertThat(reply.finishedAt()).isEqualTo(NOW);
            assertThat(reply.finish()).isEqualTo(ReplyFinish.FINISHED);
        });
        assertThat(redelivered.status()).isEqualTo(FoldStatus.FINAL);
        assertThat(bytes(redelivered.reply())).isEqualTo(bytes(finished.reply()));
        assertThat(afterTheMark.reply()).isNull();
        assertThat(template.<String, String>opsForHash().entries(REPLIES.key(stream.streamId()))).containsOnlyKeys("published");
        assertThat(template.getExpire(REPLIES.key(stream.streamId())))
                .isBetween(REPLIES.markTtl().toSeconds() - 400, REPLIES.markTtl().toSeconds());
    }

    @Test
    void recordsMarkedTogetherAreEachMarkedAndAnExpiredOneIsNotMadeAgain() {
        // Given two finished streams with their records kept, and a third whose record expired before its mark
        var first = TestChunks.stream("bot-a");
        var second = TestChunks.stream("bot-b");
        var expired = TestChunks.stream("bot-a");
        for (var stream : List.of(first, second, expired)) {
            ReplyChunk last = stream.last(1, 0, "done");
            assertThat(store.fold(new ChunkFold(last, null, draft(last, NOW))).reply()).isNotNull();
        }
        template.delete(REPLIES.key(expired.streamId()));
        assertThat(template.opsForZSet().score(REPLIES.unrecordedKey(), REPLIES.key(first.streamId()))).isNotNull();

        // When the three are marked in one step
        store.markAllRecorded(List.of(first.streamId(), second.streamId(), expired.streamId())).block();

        // Then the two are marked as one mark would, out of the index; the expired one stays absent
        for (var stream : List.of(first, second)) {
            assertThat(template.<String, String>opsForHash().entries(REPLIES.key(stream.streamId())))
                    .containsOnlyKeys("published");
            assertThat(template.getExpire(REPLIES.key(stream.streamId())))
                    .isBetween(REPLIES.markTtl().toSeconds() - 400, REPLIES.markTtl().toSeconds());
            ReplyChunk again = stream.last(1, 0, "done");
            assertThat(store.fold(new ChunkFold(again, null, draft(again, NOW))).reply()).isNull();
        }
        assertThat(template.hasKey(REPLIES.key(expired.streamId()))).isFalse();
        assertThat(template.opsForZSet().score(REPLIES.unrecordedKey(), REPLIES.key(first.streamId()))).isNull();
        assertThat(template.opsForZSet().score(REPLIES.unrecordedKey(), REPLIES.key(expired.streamId()))).isNull();
    }

    @Test
    void aLastChunkRedeliveredAfterTheReplyKeysFirstLifetimeFindsTheMarkAndRecordsNothing() throws InterruptedException {
        // Given a writer whose unpublished reply record lives a moment only, and a stream finished and marked
        var replies = new RedisStreamStateWriter.Replies("test-reply-short:", Duration.ofMillis(300), Duration.ofHours(1));
        var writer = new RedisStreamStateWriter(redis.reactive(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, NOTE, replies);
        var stream = TestChunks.stream("bot-a");
        writer.fold(fold(stream.append(1, 0, "the whole ")));
        ReplyChunk last = stream.last(1, 1, "answer");
        assertThat(writer.fold(new ChunkFold(last, null, draft(last, NOW))).reply()).isNotNull();
        writer.markRecorded(stream.streamId()).block();

        // When the stream hash is gone and the record's first lifetime has passed, and the last chunk comes again
        template.delete(key(stream));
        Thread.sleep(600);
        FoldResult redelivered = writer.fold(new ChunkFold(last, null, draft(last, NOW.plus(Duration.ofDays(2)))));

        // Then the mark is still there and nothing is handed back to record: no second record, not a partial one
        assertThat(redelivered.reply()).isNull();
        assertThat(template.<String, String>opsForHash().entries(replies.key(stream.streamId()))).containsOnlyKeys("published");
        assertThat(template.getExpire(replies.key(stream.streamId()))).isGreaterThan(3_000L);
    }

    @Test
    void aLastChunkRedeliveredAfterTheStreamHashExpiredHandsBackTheFirstRecordNotANewOne() {
        var stream = TestChunks.stream("bot-a");
        store.fold(fold(stream.append(1, 0, "the whole ")));
        ReplyChunk last = stream.last(1, 1, "answer");
        FoldResult finished = store.fold(new ChunkFold(last, null, draft(last, NOW)));

        template.delete(key(stream));
        FoldResult replay = store.fold(new ChunkFold(last, null, draft(last, NOW.plus(Duration.ofHours(2)))));

        assertThat(replay.status()).isEqualTo(FoldStatus.FINISHED);
        assertThat(replay.content()).isEqualTo("answer");
        assertThat(bytes(replay.reply())).isEqualTo(bytes(finished.reply()));
        assertThat(replay.reply().text()).isEqualTo("the whole answer");

        store.markRecorded(stream.streamId()).block();
        template.delete(key(stream));
        assertThat(store.fold(new ChunkFold(last, null, draft(last, NOW.plus(Duration.ofHours(3))))).reply()).isNull();
    }

    @Test
    void aFoldThatFinishesAndQueuesKeepsTheRecordAndTheJobInOneStep() {
        var stream = TestChunks.stream("bot-a");
        DeliveryTicket ticket = ticket(stream.streamId(), "wecom.chunks", "{}");
        ReplyChunk failed = stream.failed(1, 0, "抱歉，出错了。", List.of());

        FoldResult result = store.fold(new ChunkFold(failed, ticket, draft(failed, NOW)));

        assertThat(result.queued()).isTrue();
        assertThat(template.opsForStream().size(ticket.outboxKey())).isEqualTo(1);
        assertThat(result.reply()).isNotNull().satisfies(reply -> {
            assertThat(reply.finish()).isEqualTo(ReplyFinish.FAILED);
            assertThat(reply.errorCode()).isEqualTo("completion_request_error");
            assertThat(reply.text()).isEqualTo("抱歉，出错了。");
        });
    }

    @Test
    void aCutReplyIsRecordedAsCut() {
        var stream = TestChunks.stream("bot-a");
        ReplyChunk last = stream.last(1, 0, "长".repeat(8_000));

        FoldResult result = store.fold(new ChunkFold(last, null, draft(last, NOW)));

        assertThat(result.reply()).isNotNull();
        assertThat(result.reply().truncated()).isTrue();
        assertThat(result.reply().text()).endsWith(NOTE).isEqualTo(result.content());
    }

    @Test
    void aRejectionKeepsItsReplyRecordOnceAndAStreamWithChunksGetsNoneFromIt() {
        var rejection = Events.rejected("bot-a", "m-" + System.nanoTime(), NOW, RejectReason.RATE_LIMITED);
        ReplyRecorded draft = records(NOW).draft(rejection, false);

        FoldResult first = store.reject(rejection, "请稍后再试", draft, null);
        FoldResult again = store.reject(rejection, "请稍后再试", records(NOW).draft(rejection, false), null);
        store.markRecorded(rejection.streamId()).block();
        FoldResult marked = store.reject(rejection, "请稍后再试", draft, null);

        assertThat(first.reply()).isNotNull().satisfies(reply -> {
            assertThat(reply.text()).isEqualTo("请稍后再试");
            assertThat(reply.finish()).isEqualTo(ReplyFinish.REJECTED);
            assertThat(reply.rejectReason()).isEqualTo(RejectReason.RATE_LIMITED);
            assertThat(reply.policyVersion()).isEqualTo(rejection.decision().policyVersion());
        });
        assertThat(bytes(again.reply())).isEqualTo(bytes(first.reply()));
        assertThat(marked.reply()).isNull();

        var answered = Events.rejected("bot-a", "m-" + System.nanoTime(), NOW, RejectReason.UNSUPPORTED);
        store.fold(fold(new TestChunks("bot-a", answered.streamId(), TestChunks.stream("bot-a").route()).append(1, 0, "…")));
        assertThat(store.reject(answered, "不支持", records(NOW).draft(answered, false), null).reply()).isNull();
        assertThat(template.hasKey(REPLIES.key(answered.streamId()))).isFalse();
    }

    @Test
    void markingARecordThatExpiredWritesNothing() {
        String streamId = "s-" + System.nanoTime();

        store.markRecorded(streamId).block();

        assertThat(template.hasKey(REPLIES.key(streamId))).isFalse();
    }

    @Test
    void anEmptyBatchFoldsNothing() {
        assertThat(store.foldAll(List.of())).isEmpty();
    }

    /**
     * Answers longer than a stream: the fold keeps the whole answer, the stream shows its first part exactly as
     * {@link Continuation} cuts it, and the record and the delivery job get the whole answer.
     */
    @Nested
    class LongAnswers {

        static final String CONTINUED = "\n\n（续下条 / continued below）";
        static final int MAX_ANSWER = 100_000;

        final RedisStreamStateWriter longStore = new RedisStreamStateWriter(redis.reactive(),
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10), new RedisStreamStateWriter.Cuts(
                StreamStateKeys.MAX_CONTENT_BYTES, MAX_ANSWER, NOTE, CONTINUED), REPLIES);

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

            String expected = ContentCap.cap(answer, MAX_ANSWER, NOTE);
            assertThat(last.content()).isEqualTo(expected).endsWith(NOTE);
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

            String expected = ContentCap.cap(answer, StreamStateKeys.MAX_CONTENT_BYTES, NOTE);
            assertThat(last.content()).isEqualTo(expected);
            assertThat(last.truncated()).isTrue();
            assertThat(state(stream).get(StreamStateKeys.CONTENT)).isEqualTo(expected);
            assertThat(state(stream)).doesNotContainKey("full");
        }

        @Test
        void aReplaceThatFitsAgainDropsTheWholeAnswer() {
            var stream = TestChunks.stream("bot-a");
            longStore.fold(new ChunkFold(stream.append(1, 0, Replies.documented(30_000)), null, null, true));
            assertThat(state(stream)).containsKey("full");

            longStore.fold(new ChunkFold(stream.replace(1, 1, "短的回答"), null, null, true));

            assertThat(state(stream)).doesNotContainKey("full").containsEntry(StreamStateKeys.CONTENT, "短的回答");
        }

        /** Folds the answer in pieces of about 700 characters, the last one finishing the stream. */
        private FoldResult foldAll(TestChunks stream, String answer, @Nullable DeliveryTicket ticket, boolean continues) {
            List<String> pieces = TestChunks.pieces(answer, 700);
            FoldResult result = null;
            for (int seq = 0; seq < pieces.size(); seq++) {
                boolean last = seq == pieces.size() - 1;
                ReplyChunk chunk = last ? stream.last(1, seq, pieces.get(seq)) : stream.append(1, seq, pieces.get(seq));
                result = longStore.fold(new ChunkFold(chunk, last ? ticket : null, last ? records(NOW).draft(chunk) : null,
                        continues));
            }
            return result;
        }
    }

    private static ChunkFold fold(ReplyChunk chunk) {
        return new ChunkFold(chunk, null);
    }

    /** The draft of the reply record a responder whose clock shows {@code at} makes for {@code last}. */
    private static ReplyRecorded draft(ReplyChunk last, Instant at) {
        return records(at).draft(last);
    }

    /** Reply records as a responder whose clock shows {@code at} drafts them (publishing is not tested here). */
    private static ReplyRecords records(Instant at) {
        return new ReplyRecords(() -> new BotRegistry(List.of()), reply -> Mono.empty(), store,
                Clock.fixed(at, ZoneOffset.UTC), new SimpleMeterRegistry());
    }

    private static byte[] bytes(@Nullable ReplyRecorded reply) {
        assertThat(reply).isNotNull();
        return EventSerde.any().serialize(Topics.REPLIES.name(), reply);
    }

    private static DeliveryTicket ticket(String streamId, String topic, String source) {
        String prefix = "test-outbox-" + streamId + ":";
        return new DeliveryTicket(prefix + "outbox:bot-a", prefix + "delivery:" + streamId, topic, source,
                Duration.ofHours(24));
    }

    private static String key(TestChunks stream) {
        return StreamStateKeys.key(stream.streamId());
    }

    private static Map<String, String> state(TestChunks stream) {
        return template.<String, String>opsForHash().entries(key(stream));
    }
}
