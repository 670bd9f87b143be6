package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.wecomrelay.responder.text.ContentCap;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@link StreamStateStore} on Redis: one {@code EVALSHA} of {@code fold-chunk.lua} per chunk, one of
 * {@code reject.lua} per rejection. Besides the fields of {@link StreamStateKeys} the scripts keep
 * {@code truncated} ("1" once the attempt's content was cut) and, for rejections, {@code rejected}
 * (the reason); readers ignore both. The {@code ...AndQueue} variants pass the {@link DeliveryTicket}'s keys
 * too, so that the script that finishes the stream also appends its delivery job to the bot's outbox.
 */
public final class RedisStreamStateStore implements StreamStateStore {

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> FOLD = RedisScript.of(
            new ClassPathResource("io/wecomrelay/responder/materialize/fold-chunk.lua"), List.class);
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> REJECT = RedisScript.of(
            new ClassPathResource("io/wecomrelay/responder/materialize/reject.lua"), List.class);

    private final StringRedisTemplate redis;
    private final Clock clock;
    private final Duration ttl;
    private final int maxContentBytes;
    private final String truncatedNote;

    public RedisStreamStateStore(StringRedisTemplate redis, Clock clock, Duration ttl, int maxContentBytes,
                                 String truncatedNote) {
        this.redis = redis;
        this.clock = clock;
        this.ttl = ttl;
        this.maxContentBytes = maxContentBytes;
        this.truncatedNote = truncatedNote;
    }

    @Override
    public FoldResult fold(ReplyChunk chunk) {
        return fold(chunk, List.of(StreamStateKeys.key(chunk.streamId())), List.of());
    }

    @Override
    public FoldResult foldAndQueue(ReplyChunk chunk, DeliveryTicket ticket) {
        return fold(chunk, List.of(StreamStateKeys.key(chunk.streamId()), ticket.outboxKey(), ticket.stateKey()),
                List.of(chunk.streamId(), ticket.sourceTopic(), ticket.sourceJson(), millis(ticket.stateTtl())));
    }

    @Override
    public FoldResult reject(MessageRejected rejection, String text) {
        return reject(rejection, text, List.of(StreamStateKeys.key(rejection.streamId())), List.of());
    }

    @Override
    public FoldResult rejectAndQueue(MessageRejected rejection, String text, DeliveryTicket ticket) {
        return reject(rejection, text,
                List.of(StreamStateKeys.key(rejection.streamId()), ticket.outboxKey(), ticket.stateKey()),
                List.of(Long.toString(rejection.receivedAt().toEpochMilli()), rejection.streamId(), ticket.sourceTopic(),
                        ticket.sourceJson(), millis(ticket.stateTtl())));
    }

    private FoldResult fold(ReplyChunk chunk, List<String> keys, List<String> queueArgs) {
        ChunkError error = chunk.error();
        String images = chunk.images().isEmpty() ? "" : EventSerde.mapper().writeValueAsString(chunk.images());
        List<String> args = new ArrayList<>(List.of(Integer.toString(chunk.attempt()), Long.toString(chunk.seq()),
                chunk.kind().name(), chunk.text(), chunk.last() ? "1" : "0", error == null ? "" : error.code(), images,
                now(), millis(ttl), Integer.toString(maxContentBytes), truncatedNote));
        args.addAll(queueArgs);
        List<?> reply = redis.execute(FOLD, keys, args.toArray());
        return new FoldResult(FoldStatus.valueOf(text(reply, 0)), "1".equals(text(reply, 1)),
                "1".equals(text(reply, 2)), Integer.parseInt(text(reply, 3)), instant(text(reply, 4)), text(reply, 5),
                "1".equals(text(reply, 6)));
    }

    private FoldResult reject(MessageRejected rejection, String text, List<String> keys, List<String> queueArgs) {
        List<String> args = new ArrayList<>(List.of(text, rejection.reason().name().toLowerCase(Locale.ROOT), now(),
                millis(ttl)));
        args.addAll(queueArgs);
        List<?> reply = redis.execute(REJECT, keys, args.toArray());
        FoldStatus status = FoldStatus.valueOf(text(reply, 0));
        boolean finished = status == FoldStatus.FINISHED;
        return new FoldResult(status, false, false, finished ? ContentCap.utf8Length(text) : 0,
                instant(text(reply, 1)), finished ? text : "", "1".equals(text(reply, 2)));
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
}
