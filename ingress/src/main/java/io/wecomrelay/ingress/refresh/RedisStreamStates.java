package io.wecomrelay.ingress.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code stream:{streamId}} as laid out in {@link StreamStateKeys}. Both operations are one
 * Redis round trip; their results arrive on Lettuce's single event-loop thread. Before the {@link RedisLink}
 * opened the connection both fail at once, so that no request thread opens it.
 */
public final class RedisStreamStates implements StreamStates {

    /** Only what a refresh shows; the responder's bookkeeping fields are not transferred. */
    private static final List<String> SHOWN = List.of(StreamStateKeys.CREATED, StreamStateKeys.CONTENT,
            StreamStateKeys.FINISH, StreamStateKeys.IMAGES, StreamStateKeys.OWNER);

    /**
     * HSETNX of created and of the owner and, only when it created the created field, EXPIRE: one round trip,
     * and never a key without a TTL. The owner is set even when created was already there, so a hash the
     * responder made first (without an owner, by an older responder) gets one before WeCom learns the stream id.
     */
    private static final RedisScript<Long> MARK_CREATED = RedisScript.of("""
            redis.call('HSETNX', KEYS[1], ARGV[4], ARGV[5])
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('EXPIRE', KEYS[1], ARGV[3])
              return 1
            end
            return 0""", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisLink link;
    private final Duration ttl;

    public RedisStreamStates(ReactiveStringRedisTemplate redis, RedisLink link, Duration ttl) {
        this.redis = redis;
        this.link = link;
        this.ttl = ttl;
    }

    @Override
    public Mono<StreamSnapshot> read(String streamId) {
        // Every writer of the hash sets at least one of these (ingress: created and owner; responder: content, finish
        // and owner), so all of them absent means the same as an empty HGETALL: the stream is unknown.
        return link.whenOpen(() -> redis.<String, String>opsForHash().multiGet(StreamStateKeys.key(streamId), SHOWN))
                .filter(values -> values.stream().anyMatch(value -> value != null))
                .map(RedisStreamStates::snapshot);
    }

    @Override
    public Mono<Void> markCreated(String botId, String streamId, Instant at) {
        return link.whenOpen(() -> redis.execute(MARK_CREATED, List.of(StreamStateKeys.key(streamId)),
                        List.of(StreamStateKeys.CREATED, Long.toString(at.toEpochMilli()), Long.toString(Math.max(1, ttl.toSeconds())),
                                StreamStateKeys.OWNER, botId)).then());
    }

    /** {@code values} in the order of {@link #SHOWN}; absent fields are null. */
    private static StreamSnapshot snapshot(List<@Nullable String> values) {
        String created = values.get(0);
        String content = values.get(1);
        return new StreamSnapshot(
                created == null ? null : Instant.ofEpochMilli(Long.parseLong(created)),
                content == null ? "" : content,
                "1".equals(values.get(2)),
                images(values.get(3)),
                values.get(4));
    }

    private static List<String> images(@Nullable String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        JsonNode array = WecomJson.readTree(json);
        return array.valueStream().filter(JsonNode::isString).map(JsonNode::asString).toList();
    }
}
