package io.wecomrelay.ingress.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.support.redis.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Writes the stream marker into {@code stream:{streamId}} as laid out in {@link StreamStateKeys}: one Redis round
 * trip, whose result arrives on Lettuce's single event-loop thread. Before the {@link RedisLink} opened the
 * connection it fails at once, so that no request thread opens it.
 */
public final class RedisStreamMarkerWriter implements StreamMarkerWriter {

    /**
     * HSETNX of created, of the owner and, only when it created the created field, of the trace id and EXPIRE: one
     * round trip, and never a key without a TTL. The owner is set even when created was already there, so a hash the
     * responder made first (without an owner, by an older responder) gets one before WeCom learns the stream id. The
     * trace id is the creating mark's only: a retried callback is a trace of its own, not the published message's.
     */
    private static final RedisScript<Long> MARK_CREATED = LuaScripts.load(
            "io/wecomrelay/ingress/refresh/mark-created.lua", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisLink link;
    private final Duration ttl;

    /** @param ttl lifetime of a marker's hash (the responder keeps it alive while it writes) */
    public RedisStreamMarkerWriter(ReactiveStringRedisTemplate redis, RedisLink link, Duration ttl) {
        this.redis = redis;
        this.link = link;
        this.ttl = ttl;
    }

    @Override
    public Mono<Void> markCreated(String botId, String streamId, Instant at, String traceId) {
        return link.whenOpen(() -> redis.execute(MARK_CREATED, List.of(StreamStateKeys.key(streamId)),
                        List.of(StreamStateKeys.CREATED, Long.toString(at.toEpochMilli()), Long.toString(Math.max(1, ttl.toSeconds())),
                                StreamStateKeys.OWNER, botId, StreamStateKeys.TRACE_ID, traceId)).then());
    }
}
