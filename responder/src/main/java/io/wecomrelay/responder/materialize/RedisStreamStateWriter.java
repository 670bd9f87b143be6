package io.wecomrelay.responder.materialize;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.redis.LuaScripts;
import io.wecomrelay.support.stream.StreamFoldScripts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@link StreamStateWriter} on Redis: one {@code EVALSHA} of {@code fold-chunk.lua} per chunk, one of
 * {@code reject.lua} per rejection, each after {@code finish.lua} (what both do when they set finish). Besides the
 * fields of {@link StreamStateKeys} the scripts keep {@code truncated} ("1" once the attempt's content was cut) and,
 * for rejections, {@code rejected} (the reason); readers ignore both. Every write also sets the owner (HSETNX), so
 * that ingress answers a refresh of a stream the responder wrote first only to the bot it belongs to. The script that
 * finishes a stream keeps its reply record in {@code {prefix}reply:{streamId}} ({@link Replies}), indexed until it
 * is published, and, given a {@link DeliveryTicket}, appends the delivery job to the bot's outbox; {@code recorded.lua}
 * marks the record published.
 * <p>
 * {@link #foldAll} sends the folds of different conversations without waiting for each other's replies, on
 * the one shared connection, so a batch costs about one round trip instead of one per chunk. A conversation's
 * next fold is sent only after its previous one succeeded: Redis could reject one command (NOSCRIPT, BUSY, OOM)
 * and run the next, and a later chunk folded ahead of an earlier one makes the earlier one a duplicate. Per
 * conversation, not per stream: a batch can hold several finished replies of one conversation (a backlog after
 * a rebalance), and the fold of each one's last chunk queues its delivery, which must keep their order.
 */
public final class RedisStreamStateWriter implements StreamStateWriter {

    private static final String SCRIPTS = "io/wecomrelay/responder/materialize/";
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> FOLD = StreamFoldScripts.FOLD;
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> REJECT = LuaScripts.load(List.class, StreamFoldScripts.FINISH, SCRIPTS + "reject.lua");
    private static final RedisScript<Long> RECORDED = LuaScripts.load(SCRIPTS + "recorded.lua", Long.class);
    private static final EventSerde<ReplyRecorded> REPLIES = EventSerde.of(ReplyRecorded.class);

    /**
     * Where the stream's reply record is kept until it is on {@code wecom.replies}, and the mark that it is after.
     *
     * @param keyPrefix     the key is this plus the stream id
     * @param ttl           the key's lifetime until the record is marked published: longer than a redelivery of the
     *                      stream's last record can come late, so it is published once
     * @param markTtl       the key's lifetime from the mark on (only the mark is left): longer than the records that
     *                      can finish a stream stay on their topics, so that none can be redelivered after the mark is
     *                      gone and the record is never written twice
     * @param unrecordedKey the sorted set of the keys of records kept and not yet marked, by when they were kept:
     *                      where {@link ReplySweep} finds what the responder that folded them did not publish
     */
    public record Replies(String keyPrefix, Duration ttl, Duration markTtl, String unrecordedKey) {

        /** A day more than {@code wecom.rejected}'s 30-day retention (and {@code wecom.chunks}' 7 days). */
        public static final int DEFAULT_MARK_DAYS = 31;
        /** {@link #DEFAULT_MARK_DAYS} as a property default. */
        public static final String DEFAULT_MARK_TTL = DEFAULT_MARK_DAYS + "d";

        public Replies {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(markTtl, "markTtl");
            Objects.requireNonNull(unrecordedKey, "unrecordedKey");
        }

        /** The mark kept {@link #DEFAULT_MARK_DAYS}, the index beside the reply keys: for tests. */
        public Replies(String keyPrefix, Duration ttl) {
            this(keyPrefix, ttl, Duration.ofDays(DEFAULT_MARK_DAYS));
        }

        /** The index beside the reply keys: for tests. */
        public Replies(String keyPrefix, Duration ttl, Duration markTtl) {
            this(keyPrefix, ttl, markTtl, keyPrefix + "unrecorded");
        }

        public String key(String streamId) {
            return keyPrefix + streamId;
        }
    }

    /**
     * Where answers are cut.
     *
     * @param maxContentBytes the stream's content, WeCom's 20,480 bytes
     * @param maxAnswerBytes  the whole answer kept (and delivered in several messages), past which it is cut
     * @param truncatedNote   ends an answer that was cut
     * @param continuedNote   ends the stream's content when the answer goes on in other messages
     */
    public record Cuts(int maxContentBytes, int maxAnswerBytes, String truncatedNote, String continuedNote) {

        /** The default of {@code relay.responder.stream.max-answer-size}. */
        public static final int DEFAULT_MAX_ANSWER_BYTES = 200 * 1024;
        /** The largest answer limit: the reply record and the delivery job carry it, within Kafka's 1 MB records. */
        public static final int MAX_ANSWER_LIMIT = 512 * 1024;
        /** The default of {@code relay.responder.stream.continued-note}. */
        public static final String DEFAULT_CONTINUED_NOTE = "\n\n（续下条 / continued below）";

        public Cuts {
            Objects.requireNonNull(truncatedNote, "truncatedNote");
            Objects.requireNonNull(continuedNote, "continuedNote");
            // each fold sends the whole answer to Redis and back: bounded, and at least what a stream shows
            if (maxAnswerBytes < maxContentBytes || maxAnswerBytes > MAX_ANSWER_LIMIT) {
                throw new IllegalArgumentException("the answer limit " + maxAnswerBytes + " is not between the stream's "
                        + maxContentBytes + " and " + MAX_ANSWER_LIMIT + " bytes");
            }
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final Duration ttl;
    private final Cuts cuts;
    private final Replies replies;

    /** With the default answer limit and continued note: for tests. */
    public RedisStreamStateWriter(ReactiveStringRedisTemplate redis, Clock clock, Duration ttl, int maxContentBytes,
                                 String truncatedNote, Replies replies) {
        this(redis, clock, ttl, new Cuts(maxContentBytes, Cuts.DEFAULT_MAX_ANSWER_BYTES, truncatedNote,
                Cuts.DEFAULT_CONTINUED_NOTE), replies);
    }

    public RedisStreamStateWriter(ReactiveStringRedisTemplate redis, Clock clock, Duration ttl, Cuts cuts,
                                 Replies replies) {
        this.redis = redis;
        this.clock = clock;
        this.ttl = ttl;
        this.cuts = cuts;
        this.replies = replies;
    }

    /** Folds a chunk without a reply record or a delivery job: for tests of the fold itself. */
    public FoldResult fold(ReplyChunk chunk) {
        return fold(new ChunkFold(chunk, null));
    }

    /** Folds a chunk with a delivery job and without a reply record: for tests of the queueing. */
    public FoldResult foldAndQueue(ReplyChunk chunk, DeliveryTicket ticket) {
        return fold(new ChunkFold(chunk, ticket));
    }

    @Override
    public FoldResult fold(ChunkFold fold) {
        return await(run(foldCall(fold)));
    }

    @Override
    public List<FoldOutcome> foldAll(List<ChunkFold> folds) {
        // built on the caller's thread: the I/O thread, which sends each conversation's next fold, only sends
        List<ScriptCall> calls = folds.stream().map(this::foldCall).toList();
        Map<String, List<Integer>> byConversation = new LinkedHashMap<>();
        for (int i = 0; i < folds.size(); i++) {
            byConversation.computeIfAbsent(folds.get(i).chunk().conversationKey(), key -> new ArrayList<>()).add(i);
        }
        List<Indexed> done = Flux.fromIterable(byConversation.values())
                .flatMap(indices -> inOrder(indices, calls), Math.max(1, byConversation.size()))
                .collectList()
                .block();
        FoldOutcome[] outcomes = new FoldOutcome[folds.size()];
        Arrays.fill(outcomes, new FoldOutcome.NotTried());
        if (done != null) {
            done.forEach(indexed -> outcomes[indexed.index()] = indexed.outcome());
        }
        return List.of(outcomes);
    }

    /** One conversation's folds, each sent once the one before it succeeded; stops at the first failure. */
    private Flux<Indexed> inOrder(List<Integer> indices, List<ScriptCall> calls) {
        return Flux.fromIterable(indices)
                .concatMap(index -> run(calls.get(index))
                        .<FoldOutcome>map(FoldOutcome.Folded::new)
                        .onErrorResume(e -> Mono.just(new FoldOutcome.Failed(e)))
                        .map(outcome -> new Indexed(index, outcome)))
                .takeUntil(indexed -> indexed.outcome() instanceof FoldOutcome.Failed);
    }

    /** Rejects without a delivery job: for tests of the rejection itself. */
    public FoldResult reject(MessageRejected rejection, String text) {
        return rejectAndQueue(rejection, text, null);
    }

    /** Rejects without a reply record: for tests of the rejection and its queueing. */
    public FoldResult rejectAndQueue(MessageRejected rejection, String text, @Nullable DeliveryTicket ticket) {
        return runReject(rejection, text, List.of(), ticket);
    }

    @Override
    public FoldResult reject(MessageRejected rejection, String text, ReplyRecorded reply, @Nullable DeliveryTicket ticket) {
        return runReject(rejection, text, List.of(draftOf(reply), reply.truncated() ? "1" : "0"), ticket);
    }

    @Override
    public Mono<Void> markAllRecorded(Collection<String> streamIds) {
        List<String> keys = new ArrayList<>(streamIds.size() + 1);
        keys.add(replies.unrecordedKey());
        streamIds.forEach(streamId -> keys.add(replies.key(streamId)));
        return redis.execute(RECORDED, keys, List.of(millis(replies.markTtl()))).then();
    }

    private ScriptCall foldCall(ChunkFold fold) {
        ReplyChunk chunk = fold.chunk();
        DeliveryTicket ticket = fold.ticket();
        ChunkError error = chunk.error();
        String images = imagesJson(chunk);
        List<String> args = new ArrayList<>(List.of(Integer.toString(chunk.attempt()), Long.toString(chunk.seq()),
                chunk.kind().name(), chunk.text(), chunk.last() ? "1" : "0", error == null ? "" : error.code(), images,
                now(), millis(ttl), Integer.toString(cuts.maxContentBytes()), cuts.truncatedNote(), millis(replies.ttl()),
                fold.reply() == null ? "" : draftOf(fold.reply()), Integer.toString(cuts.maxAnswerBytes()),
                fold.continues() ? cuts.continuedNote() : ""));
        List<String> keys = new ArrayList<>(List.of(StreamStateKeys.key(chunk.streamId()), replies.key(chunk.streamId()),
                replies.unrecordedKey()));
        if (ticket != null) {
            args.addAll(List.of(chunk.streamId(), ticket.sourceTopic(), ticket.sourceJson(), millis(ticket.stateTtl()),
                    Long.toString(chunk.messageReceivedAt().toEpochMilli()), ticket.continuationOnly() ? "1" : "0"));
            keys.addAll(List.of(ticket.outboxKey(), ticket.stateKey()));
        }
        return new ScriptCall(keys, owned(args, chunk.botId()));
    }

    /**
     * The {@link StreamStateKeys#IMAGES} field: the URLs of an older worker's {@code images} as strings, the attached
     * images as {@code {"key","md5"}} objects (ingress reads their bytes for the final frame); empty for none.
     */
    static String imagesJson(ReplyChunk chunk) {
        if (chunk.images().isEmpty() && chunk.attachedImages().isEmpty()) {
            return "";
        }
        ArrayNode array = EventSerde.mapper().createArrayNode();
        chunk.images().forEach(array::add);
        chunk.attachedImages().forEach(image -> array.addObject().put("key", image.key()).put("md5", image.md5()));
        return array.toString();
    }

    private Mono<FoldResult> run(ScriptCall call) {
        return redis.execute(FOLD, call.keys(), call.args())
                .next()
                .map(RedisStreamStateWriter::foldResult)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("fold-chunk.lua returned nothing")));
    }

    private static FoldResult foldResult(List<?> reply) {
        return new FoldResult(FoldStatus.valueOf(text(reply, 0)), "1".equals(text(reply, 1)),
                "1".equals(text(reply, 2)), Integer.parseInt(text(reply, 3)), instant(text(reply, 4)), text(reply, 5),
                "1".equals(text(reply, 6)), replyRecord(reply, 7));
    }

    /** @param replyArgs the reply record's draft and whether the text was cut, or nothing for no record */
    private FoldResult runReject(MessageRejected rejection, String text, List<String> replyArgs,
                                 @Nullable DeliveryTicket ticket) {
        List<String> args = new ArrayList<>(List.of(text, rejection.reason().name().toLowerCase(Locale.ROOT), now(),
                millis(ttl), millis(replies.ttl())));
        args.addAll(replyArgs.isEmpty() ? List.of("", "0") : replyArgs);
        List<String> keys = new ArrayList<>(List.of(StreamStateKeys.key(rejection.streamId()),
                replies.key(rejection.streamId()), replies.unrecordedKey()));
        if (ticket != null) {
            args.addAll(List.of(Long.toString(rejection.receivedAt().toEpochMilli()), rejection.streamId(),
                    ticket.sourceTopic(), ticket.sourceJson(), millis(ticket.stateTtl())));
            keys.addAll(List.of(ticket.outboxKey(), ticket.stateKey()));
        }
        owned(args, rejection.botId());
        return await(redis.execute(REJECT, keys, args).next().map(reply -> {
            FoldStatus status = FoldStatus.valueOf(text(reply, 0));
            boolean finished = status == FoldStatus.FINISHED;
            return new FoldResult(status, false, false, finished ? ContentCap.utf8Length(text) : 0,
                    instant(text(reply, 1)), finished ? text : "", "1".equals(text(reply, 2)), replyRecord(reply, 3));
        }));
    }

    private static String draftOf(ReplyRecorded reply) {
        byte[] json = REPLIES.serialize(Topics.REPLIES.name(), reply);
        return new String(json == null ? new byte[0] : json, StandardCharsets.UTF_8);
    }

    /** The reply record a script handed back from {@code from} on (draft, content, truncated), or null for none. */
    private static @Nullable ReplyRecorded replyRecord(List<?> reply, int from) {
        String draft = text(reply, from);
        return draft.isEmpty() ? null : replyRecord(draft, text(reply, from + 1), text(reply, from + 2));
    }

    /** The reply record kept as its draft, its final content and whether that was cut ({@code "1"}). */
    static ReplyRecorded replyRecord(String draft, String content, String truncated) {
        ReplyRecorded record = REPLIES.deserialize(Topics.REPLIES.name(), draft.getBytes(StandardCharsets.UTF_8));
        if (record == null) {
            throw new IllegalStateException("empty reply record draft");
        }
        return record.withText(content, "1".equals(truncated));
    }

    /** The scripts take the stream's owner ({@link StreamStateKeys#OWNER}) as their last argument. */
    private static List<String> owned(List<String> args, String botId) {
        args.add(botId);
        return args;
    }

    private static FoldResult await(Mono<FoldResult> result) {
        FoldResult done = result.block();
        if (done == null) {
            throw new IllegalStateException("no reply from Redis");
        }
        return done;
    }

    private static String millis(Duration duration) {
        return Long.toString(duration.toMillis());
    }

    private String now() {
        return Long.toString(clock.millis());
    }

    private static String text(@Nullable List<?> reply, int index) {
        if (reply == null || reply.size() <= index) {
            throw new IllegalStateException("unexpected script reply of " + (reply == null ? 0 : reply.size()) + " elements");
        }
        return String.valueOf(reply.get(index));
    }

    private static @Nullable Instant instant(String epochMillis) {
        if (epochMillis.isEmpty()) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(epochMillis));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record ScriptCall(List<String> keys, List<String> args) {
        // the arguments hold the chunk's text and the source event's JSON
        @Override
        public String toString() {
            return "ScriptCall[keys=" + keys + ", args=" + args.size() + "]";
        }
    }

    private record Indexed(int index, FoldOutcome outcome) {
    }
}
