package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.support.redis.LuaScripts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The reply records Redis kept ({@code finish.lua}) that are not marked published yet, as the index
 * {@link RedisStreamStateWriter.Replies#unrecordedKey()} holds them: claimed a batch at a time by
 * {@code unrecorded.lua}, so that two instances' sweeps do not take the same ones.
 */
public final class UnrecordedReplies {

    private static final String SCRIPTS = "io/wecomrelay/responder/materialize/";
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM = LuaScripts.load(SCRIPTS + "unrecorded.lua", List.class);
    private static final RedisScript<String> GONE = LuaScripts.load(SCRIPTS + "unrecorded-gone.lua", String.class);
    private static final List<String> FIELDS = List.of("draft", "content", "truncated", "published");

    /**
     * @param waiting the records in the index before the claim, claimed or not
     * @param keys    the claimed records' keys, oldest first
     */
    public record Claim(long waiting, List<String> keys) {
    }

    /** What a claimed key held. */
    public enum State {
        /** A record to publish. */
        UNPUBLISHED,
        /** Marked published since it was claimed; taken out of the index. */
        MARKED,
        /** Gone unpublished (its key expired): the record is lost; taken out of the index. */
        EXPIRED,
        /** Kept again by a fold since it was read; left in the index for the next sweep. */
        KEPT_AGAIN
    }

    /** @param reply the record to publish, only when {@link State#UNPUBLISHED} */
    public record Found(State state, @Nullable ReplyRecorded reply) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final RedisStreamStateWriter.Replies replies;
    private final Clock clock;

    public UnrecordedReplies(ReactiveStringRedisTemplate redis, RedisStreamStateWriter.Replies replies, Clock clock) {
        this.redis = redis;
        this.replies = replies;
        this.clock = clock;
    }

    /** Claims up to {@code limit} records kept longer than {@code after} ago; none is claimed again for {@code after}. */
    public Mono<Claim> claim(Duration after, int limit) {
        List<String> args = List.of(Long.toString(clock.millis()), Long.toString(after.toMillis()), Integer.toString(limit));
        return redis.execute(CLAIM, List.of(replies.unrecordedKey()), args).next().map(reply -> {
            List<String> keys = new ArrayList<>(reply.size());
            for (int i = 1; i < reply.size(); i++) {
                keys.add(String.valueOf(reply.get(i)));
            }
            return new Claim(reply.isEmpty() ? 0 : Long.parseLong(String.valueOf(reply.get(0))), keys);
        });
    }

    /** What {@code key} holds now; a key with nothing to publish leaves the index (atomically, see {@link State}). */
    public Mono<Found> read(String key) {
        return redis.<String, String>opsForHash().multiGet(key, FIELDS).flatMap(values -> {
            String draft = values.get(0);
            if (draft != null && values.get(3) == null) {
                String content = values.get(1);
                String truncated = values.get(2);
                return Mono.just(new Found(State.UNPUBLISHED, RedisStreamStateWriter.replyRecord(draft,
                        content == null ? "" : content, truncated == null ? "0" : truncated)));
            }
            return redis.execute(GONE, List.of(replies.unrecordedKey(), key)).next()
                    .map(gone -> new Found(switch (gone.toLowerCase(Locale.ROOT)) {
                        case "marked" -> State.MARKED;
                        case "expired" -> State.EXPIRED;
                        default -> State.KEPT_AGAIN;
                    }, null));
        });
    }
}
