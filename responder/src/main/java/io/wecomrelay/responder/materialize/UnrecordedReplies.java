package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.support.redis.LuaScripts;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The reply records Redis kept ({@code finish.lua}) that are not marked published yet, as the index
 * {@link RedisStreamStateWriter.Replies#unrecordedKey()} holds them: claimed a batch at a time by
 * {@code unrecorded.lua}, so that two instances' sweeps do not take the same ones.
 */
public final class UnrecordedReplies {

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM = LuaScripts.load("io/wecomrelay/responder/materialize/unrecorded.lua", List.class);
    private static final List<String> FIELDS = List.of("draft", "content", "truncated", "published");

    /**
     * @param waiting the records in the index before the claim, claimed or not
     * @param keys    the claimed records' keys, oldest first
     */
    public record Claim(long waiting, List<String> keys) {
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

    /**
     * The record kept under {@code key}; empty, and taken out of the index, when there is none to publish (it was
     * marked published meanwhile, or its key expired).
     */
    public Mono<ReplyRecorded> read(String key) {
        return redis.<String, String>opsForHash().multiGet(key, FIELDS).flatMap(values -> {
            String draft = values.get(0);
            if (draft == null || values.get(3) != null || replies.streamIdOf(key) == null) {
                return forget(key).then(Mono.<ReplyRecorded>empty());
            }
            String content = values.get(1);
            String truncated = values.get(2);
            return Mono.just(RedisStreamStateWriter.replyRecord(draft, content == null ? "" : content,
                    truncated == null ? "0" : truncated));
        });
    }

    private Mono<Long> forget(String key) {
        return redis.opsForZSet().remove(replies.unrecordedKey(), key);
    }
}
