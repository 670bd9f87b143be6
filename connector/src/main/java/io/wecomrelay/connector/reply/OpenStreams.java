package io.wecomrelay.connector.reply;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * The open streams of each bot, in Redis so that the instance that owns the bot next continues them with the same
 * req_id and stream id: hash {@code {prefix}open:{botId}}, field stream id, value {@code reqId firstFrameEpochMillis}.
 * The first arrival of a stream wins (HSETNX): a repeated msgid keeps its original req_id. The hash expires
 * {@code ttl} after its last change, longer than WeCom's 6-minute stream limit.
 */
public final class OpenStreams {

    private final ReactiveStringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;

    public OpenStreams(ReactiveStringRedisTemplate redis, String prefix, Duration ttl) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
    }

    /** Records the stream; false when it was open already (the same message again). */
    public Mono<Boolean> open(String botId, OpenStream stream) {
        String key = key(botId);
        return redis.opsForHash().putIfAbsent(key, stream.streamId(), stream.reqId() + " " + stream.firstFrameAt().toEpochMilli())
                .flatMap(added -> redis.expire(key, ttl).thenReturn(added));
    }

    public Mono<Void> close(String botId, String streamId) {
        return redis.opsForHash().remove(key(botId), streamId).then();
    }

    /** Every open stream of the bot; entries that cannot be read are dropped. */
    public Mono<List<OpenStream>> all(String botId) {
        return redis.<String, String>opsForHash().entries(key(botId))
                .flatMapIterable(entry -> parse(entry).stream().toList())
                .collectList();
    }

    /** One open stream, if it is open. */
    public Mono<OpenStream> find(String botId, String streamId) {
        return redis.<String, String>opsForHash().get(key(botId), streamId)
                .flatMap(value -> Mono.justOrEmpty(parse(Map.entry(streamId, value))));
    }

    private static java.util.Optional<OpenStream> parse(Map.Entry<String, String> entry) {
        String[] parts = entry.getValue().split(" ", 2);
        try {
            return java.util.Optional.of(new OpenStream(entry.getKey(), parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1]))));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private String key(String botId) {
        return prefix + "open:" + botId;
    }
}
