package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyFinish;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/** The chunk listener on polls of many records, over a real Redis, as the container calls it. */
class ChunkMaterializerTest {

    static final String ACTIVE_BOT = "bot-webhook";

    static TestRedis redis;
    static StringRedisTemplate template;

    final String outboxPrefix = "test-" + UUID.randomUUID() + ":";
    final List<ReplyRecorded> attempted = new CopyOnWriteArrayList<>();
    final List<ReplyRecorded> published = new CopyOnWriteArrayList<>();
    final Set<String> unpublishable = ConcurrentHashMap.newKeySet();
    SimpleMeterRegistry meters;
    RedisStreamStateWriter.Replies replyKeys;
    CountingStore store;
    ReplyRecords replies;
    ChunkMaterializer listener;
    long offset;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
        template = redis.template();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @BeforeEach
    void newListener() {
        meters = new SimpleMeterRegistry();
        replyKeys = new RedisStreamStateWriter.Replies(outboxPrefix + "reply:", Duration.ofHours(1));
        store = new CountingStore(new RedisStreamStateWriter(redis.reactive(), Clock.systemUTC(), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, "\n(cut)", replyKeys));
        // the broker's side of publishing (ResponderApplicationTest has the real one): streams named here fail
        ReplyPublisher publisher = reply -> Mono.fromRunnable(() -> attempted.add(reply))
                .then(unpublishable.contains(reply.streamId()) ? Mono.error(new IllegalStateException("broker refused"))
                        : Mono.fromRunnable(() -> published.add(reply)));
        var bots = new BotRegistryLoader(name -> null).parse("bots:\n  - id: " + ACTIVE_BOT + "\n    token: t\n"
                + "    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n    reply-mode: webhook\n    webhook-key: k\n"
                + "    dify: { base-url: https://dify.example/v1, api-key: k }\n");
        DeliveryQueue queue = (topic, source) -> ACTIVE_BOT.equals(source.botId())
                ? Optional.of(new DeliveryTicket(outboxPrefix + "outbox:" + ACTIVE_BOT, outboxPrefix + "delivery:" + source.streamId(),
                        topic, "{}", Duration.ofHours(1)))
                : Optional.empty();
        replies = new ReplyRecords(() -> bots, publisher, store, Clock.systemUTC(), meters);
        listener = new ChunkMaterializer(store, queue, replies, Clock.systemUTC(), meters);
    }

    @Test
    void foldsAPollOfManyChunksOfSeveralStreamsEachInItsOrder() {
        // Given a poll of 5 streams x 6 chunks, interleaved as on a shared partition; one bot delivers actively
        List<TestChunks> streams = List.of(TestChunks.stream("bot-a"), TestChunks.stream("bot-b"), TestChunks.stream("bot-a"),
                TestChunks.stream(ACTIVE_BOT), TestChunks.stream("bot-c"));
        List<ConsumerRecord<String, RelayEvent>> poll = new ArrayList<>();
        for (int seq = 0; seq < 6; seq++) {
            for (int s = 0; s < streams.size(); s++) {
                TestChunks stream = streams.get(s);
                String text = "s" + s + "-" + seq + " ";
                poll.add(record(seq == 5 ? stream.last(1, seq, text) : stream.append(1, seq, text)));
            }
        }

        // When
        listener.onMessage(poll);

        // Then every stream holds its chunks in order, each folded once, with one call to Redis's store per poll
        for (int s = 0; s < streams.size(); s++) {
            String expected = "s%d-0 s%d-1 s%d-2 s%d-3 s%d-4 s%d-5 ".formatted(s, s, s, s, s, s);
            assertThat(state(streams.get(s))).containsEntry("content", expected).containsEntry("finish", "1").containsEntry("seq", "5");
        }
        assertThat(store.batches).hasValue(1);
        assertThat(store.foldsPerChunk).hasSize(30).allSatisfy((chunk, folds) -> assertThat(folds).hasValue(1));
        assertThat(meters.get("relay.responder.chunks").tag("status", "applied").counter().count()).isEqualTo(25);
        assertThat(meters.get("relay.responder.chunks").tag("status", "finished").counter().count()).isEqualTo(5);
        assertThat(meters.get("relay.responder.chunk.latency").timer().count()).isEqualTo(30);
        assertThat(template.opsForStream().size(outboxPrefix + "outbox:" + ACTIVE_BOT)).isEqualTo(1);
    }

    @Test
    void aBacklogOfOneConversationsRepliesIsQueuedForDeliveryInTheirOrder() {
        // Given a poll as an instance gets it after taking over a partition whose owner died: several finished
        // replies of one group conversation of a bot that delivers actively, long ones before short ones
        TestChunks first = TestChunks.stream(ACTIVE_BOT);
        List<TestChunks> replies = List.of(first, first.next(), first.next(), first.next());
        List<ConsumerRecord<String, RelayEvent>> poll = new ArrayList<>();
        for (int r = 0; r < replies.size(); r++) {
            int chunks = replies.size() - r;
            for (int seq = 0; seq < chunks; seq++) {
                String text = "r" + r + "-" + seq + " ";
                poll.add(record(seq == chunks - 1 ? replies.get(r).last(1, seq, text) : replies.get(r).append(1, seq, text)));
            }
        }
        TestChunks other = TestChunks.stream(ACTIVE_BOT);
        poll.add(record(other.last(1, 0, "other")));

        // When
        listener.onMessage(poll);

        // Then the replies are queued in the order the conversation's messages came, the other conversation's
        // too, and with one call to Redis's store for the poll
        List<String> queued = template.opsForStream().range(outboxPrefix + "outbox:" + ACTIVE_BOT, Range.unbounded()).stream()
                .map(job -> String.valueOf(job.getValue().get("streamId"))).toList();
        assertThat(queued).hasSize(5);
        assertThat(queued.stream().filter(id -> !id.equals(other.streamId())))
                .containsExactlyElementsOf(replies.stream().map(TestChunks::streamId).toList());
        assertThat(replies).allSatisfy(reply -> assertThat(state(reply)).containsEntry("finish", "1"));
        assertThat(store.batches).hasValue(1);
    }

    @Test
    void anEventOfAnotherTypeInTheMiddleFailsAloneAndTheOthersAreFoldedOnce() {
        // Given a poll with a rejection (not a chunk) in the middle
        var a = TestChunks.stream("bot-a");
        var b = TestChunks.stream("bot-b");
        MessageRejected stray = Events.rejected("bot-a", "m-" + UUID.randomUUID(), Instant.now(), RejectReason.UNSUPPORTED);
        List<ConsumerRecord<String, RelayEvent>> poll = List.of(record(a.append(1, 0, "a0 ")), record(b.append(1, 0, "b0 ")),
                record(a.append(1, 1, "a1 ")), record(stray), record(b.append(1, 1, "b1 ")), record(a.last(1, 2, "a2")),
                record(b.last(1, 2, "b2")));

        // When the listener gets the poll, then (as the error handler seeks past the record) the rest
        var failure = catchThrowableOfType(BatchListenerFailedException.class, () -> listener.onMessage(poll));
        int foldedBefore = store.foldsPerChunk.size();
        listener.onMessage(poll.subList(4, poll.size()));

        // Then the stray record is the one reported, nothing behind it was folded in the first call, and every
        // chunk was folded exactly once
        assertThat(failure.getRecord()).isSameAs(poll.get(3));
        assertThat(failure.getCause()).isInstanceOf(UnexpectedEventException.class);
        assertThat(foldedBefore).isEqualTo(3);
        assertThat(store.foldsPerChunk).hasSize(6).allSatisfy((chunk, folds) -> assertThat(folds).hasValue(1));
        assertThat(state(a)).containsEntry("content", "a0 a1 a2").containsEntry("finish", "1");
        assertThat(state(b)).containsEntry("content", "b0 b1 b2").containsEntry("finish", "1");
    }

    @Test
    void anUnreadableRecordIsReportedWithItsDeserializationError() {
        var a = TestChunks.stream("bot-a");
        var headers = new RecordHeaders();
        SerializationUtils.deserializationException(headers, "{not json".getBytes(StandardCharsets.UTF_8),
                new DeserializationException("unreadable", "{not json".getBytes(StandardCharsets.UTF_8), false, new IllegalArgumentException("bad json")), false);
        var unreadable = new ConsumerRecord<String, RelayEvent>(Topics.CHUNKS.name(), 0, offset++, System.currentTimeMillis(),
                TimestampType.CREATE_TIME, 0, 9, a.streamId(), null, headers, Optional.empty());

        var failure = catchThrowableOfType(BatchListenerFailedException.class,
                () -> listener.onMessage(List.of(record(a.append(1, 0, "a0")), unreadable)));

        assertThat(failure.getRecord()).isSameAs(unreadable);
        assertThat(failure.getCause()).isInstanceOf(DeserializationException.class);
        assertThat(state(a)).containsEntry("content", "a0");
    }

    @Test
    void everyStreamAPollFinishesHandsBackOneReplyRecordWithItsFinalTextAndNoneAfterItIsMarked() {
        // Given a poll finishing a streaming bot's answer, a webhook bot's failed answer and one unfinished stream
        var streaming = TestChunks.stream("bot-a");
        var webhook = TestChunks.stream(ACTIVE_BOT);
        var open = TestChunks.stream("bot-b");
        List<ConsumerRecord<String, RelayEvent>> poll = List.of(record(streaming.append(1, 0, "你好")),
                record(webhook.append(1, 0, "half ")), record(open.append(1, 0, "still going")),
                record(streaming.last(1, 1, "，世界")), record(webhook.failed(1, 1, "抱歉", List.of())));

        // When the poll is folded, its records are marked published, and then it comes again (a rebalance)
        listener.onMessage(poll);
        awaitMarked(streaming, webhook);
        listener.onMessage(poll);

        // Then each finished stream's final text was published once, with how it finished
        assertThat(published).extracting(ReplyRecorded::streamId).containsExactlyInAnyOrder(streaming.streamId(),
                webhook.streamId());
        ReplyRecorded answer = published.stream().filter(r -> r.streamId().equals(streaming.streamId())).findFirst().orElseThrow();
        assertThat(answer.text()).isEqualTo("你好，世界");
        assertThat(answer.finish()).isEqualTo(ReplyFinish.FINISHED);
        assertThat(answer.channel()).isEqualTo(ReplyChannel.STREAM);
        assertThat(answer.policyVersion()).as("bot-a is not in the bots file").isEqualTo(ReplyRecords.NO_POLICY);
        assertThat(answer.meta().eventId()).isEqualTo(ReplyRecorded.eventIdOf(streaming.streamId()));
        ReplyRecorded failed = published.stream().filter(r -> r.streamId().equals(webhook.streamId())).findFirst().orElseThrow();
        assertThat(failed.text()).isEqualTo("half 抱歉");
        assertThat(failed.finish()).isEqualTo(ReplyFinish.FAILED);
        assertThat(failed.errorCode()).isEqualTo("completion_request_error");
        assertThat(failed.channel()).isEqualTo(ReplyChannel.WEBHOOK);
        assertThat(failed.policyVersion()).hasSize(12);
        assertThat(template.<String, String>opsForHash().entries(outboxPrefix + "reply:" + streaming.streamId()))
                .containsOnlyKeys("published");
    }

    @Test
    void aReplyThatCannotBePublishedIsLeftToTheSweepWhichPublishesTheSameBytes() {
        // Given a poll that finishes two streams, the broker refusing the second one's reply
        var first = TestChunks.stream("bot-a");
        var second = TestChunks.stream("bot-b");
        unpublishable.add(second.streamId());
        List<ConsumerRecord<String, RelayEvent>> poll = List.of(record(first.last(1, 0, "one")),
                record(second.append(1, 0, "two ")), record(second.last(1, 1, "parts")));

        // When the poll is folded: it does not wait for the broker and does not fail
        listener.onMessage(poll);

        // Then the first is published and marked, the refused one kept in Redis, indexed as unrecorded
        awaitMarked(first);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(meters.get("relay.responder.replies.unrecorded").counter().count()).isEqualTo(1));
        assertThat(published).extracting(ReplyRecorded::streamId).containsExactly(first.streamId());
        ReplyRecorded refused = attempted.stream().filter(r -> r.streamId().equals(second.streamId())).findFirst().orElseThrow();
        assertThat(template.opsForZSet().range(outboxPrefix + "reply:unrecorded", 0, -1))
                .containsExactly(outboxPrefix + "reply:" + second.streamId());

        // And when the broker takes it again, the sweep publishes the record the fold kept, byte for byte, and marks it
        unpublishable.clear();
        var sweep = new ReplySweep(new UnrecordedReplies(redis.reactive(), replyKeys, Clock.systemUTC()), replies,
                new ReplySweep.Settings(Duration.ZERO, Duration.ofHours(1)), meters);
        assertThat(sweep.sweep().block()).isEqualTo(1);
        assertThat(published).extracting(ReplyRecorded::streamId).containsExactly(first.streamId(), second.streamId());
        assertThat(serialized(published.get(1))).isEqualTo(serialized(refused));
        assertThat(published.get(1).text()).isEqualTo("two parts");
        awaitMarked(second);
        assertThat(template.opsForZSet().size(outboxPrefix + "reply:unrecorded")).isZero();
        assertThat(meters.get("relay.responder.replies.swept").tag("outcome", "recorded").counter().count()).isEqualTo(1);

        // And neither a redelivery nor another sweep publishes it again
        listener.onMessage(poll.subList(2, 3));
        assertThat(sweep.sweep().block()).isZero();
        assertThat(attempted).hasSize(3);
    }

    @Test
    void aBrokerThatDoesNotAnswerHoldsUpNoPollAndAtMostSoManyPublishesWait() {
        // Given a broker that never answers, and a poll finishing one stream more than may be published at once
        var silent = new ReplyRecords(() -> new BotRegistry(List.of()), reply -> {
            attempted.add(reply);
            return Mono.never();
        }, store, Clock.systemUTC(), meters);
        var waiting = new ChunkMaterializer(store, (topic, source) -> Optional.empty(), silent, Clock.systemUTC(), meters);
        List<ConsumerRecord<String, RelayEvent>> poll = new ArrayList<>();
        for (int i = 0; i <= ReplyRecords.MAX_IN_FLIGHT; i++) {
            poll.add(record(TestChunks.stream("bot-" + (i % 5)).last(1, 0, "answer " + i)));
        }

        // When it is folded (a guard against a hang, not a measure of speed)
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> waiting.onMessage(poll));

        // Then every stream is finished and its record kept for the sweep; so many publishes wait, the last is left
        assertThat(meters.get("relay.responder.chunks").tag("status", "finished").counter().count())
                .isEqualTo(ReplyRecords.MAX_IN_FLIGHT + 1);
        assertThat(attempted).hasSize(ReplyRecords.MAX_IN_FLIGHT);
        assertThat(meters.get("relay.responder.replies.deferred").counter().count()).isEqualTo(1);
        assertThat(template.opsForZSet().size(outboxPrefix + "reply:unrecorded")).isEqualTo(ReplyRecords.MAX_IN_FLIGHT + 1);
        assertThat(silent.awaitIdle(Duration.ZERO)).as("publishes still waiting for the broker").isFalse();
    }

    @Test
    void aFailedFoldIsReportedAtItsRecordAfterTheOtherStreamsWereFolded() {
        // Given a stream whose key Redis refuses to fold into, between chunks of a healthy stream
        var broken = TestChunks.stream("bot-a");
        var fine = TestChunks.stream("bot-b");
        template.opsForValue().set(StreamStateKeys.key(broken.streamId()), "not a hash");
        List<ConsumerRecord<String, RelayEvent>> poll = List.of(record(fine.append(1, 0, "f0 ")),
                record(broken.append(1, 0, "x")), record(fine.append(1, 1, "f1 ")), record(broken.last(1, 1, "y")),
                record(fine.last(1, 2, "f2")));

        var failure = catchThrowableOfType(BatchListenerFailedException.class, () -> listener.onMessage(poll));

        // Then the first failed record is reported (the error handler commits only the records before it)
        assertThat(failure.getRecord()).isSameAs(poll.get(1));
        assertThat(failure.getCause()).isNotNull();
        assertThat(state(fine)).containsEntry("content", "f0 f1 f2").containsEntry("finish", "1");
        assertThat(meters.get("relay.responder.chunks").tag("status", "finished").counter().count()).isEqualTo(1);
    }

    private ConsumerRecord<String, RelayEvent> record(RelayEvent event) {
        return new ConsumerRecord<>(Topics.CHUNKS.name(), 0, offset++, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                0, 0, event.streamId(), event, new RecordHeaders(), Optional.empty());
    }

    /** Waits until each stream's reply record is marked published (the listener does not wait for it). */
    private void awaitMarked(TestChunks... streams) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (TestChunks stream : streams) {
                assertThat(template.<String, String>opsForHash().entries(outboxPrefix + "reply:" + stream.streamId()))
                        .containsOnlyKeys("published");
            }
        });
    }

    private static Map<String, String> state(TestChunks stream) {
        return template.<String, String>opsForHash().entries(StreamStateKeys.key(stream.streamId()));
    }

    private static byte[] serialized(@Nullable ReplyRecorded reply) {
        return EventSerde.any().serialize(Topics.REPLIES.name(), java.util.Objects.requireNonNull(reply));
    }

    /** The Redis store, counting polls and how often each chunk was folded. */
    static final class CountingStore implements StreamStateWriter {

        final AtomicInteger batches = new AtomicInteger();
        final Map<ReplyChunk, AtomicInteger> foldsPerChunk = new ConcurrentHashMap<>();
        private final StreamStateWriter delegate;

        CountingStore(StreamStateWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<FoldOutcome> foldAll(List<ChunkFold> folds) {
            batches.incrementAndGet();
            folds.forEach(fold -> foldsPerChunk.computeIfAbsent(fold.chunk(), chunk -> new AtomicInteger()).incrementAndGet());
            return delegate.foldAll(folds);
        }

        @Override
        public FoldResult fold(ChunkFold fold) {
            throw new UnsupportedOperationException("the listener folds whole polls");
        }

        @Override
        public FoldResult reject(MessageRejected rejection, String text, ReplyRecorded reply,
                                 @Nullable DeliveryTicket ticket) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> markAllRecorded(Collection<String> streamIds) {
            return delegate.markAllRecorded(streamIds);
        }
    }
}
