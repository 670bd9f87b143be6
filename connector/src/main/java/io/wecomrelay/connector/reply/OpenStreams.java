package io.wecomrelay.connector.reply;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * The open streams of each bot, in Redis so that the instance that owns the bot next continues them with the same
 * req_id and stream id: hash {@code {prefix}open:{botId}}, field stream id (or {@code streamId@reqId} for a repeated
 * delivery of the message), value {@code reqId firstFrameEpochMillis}. The first delivery of a message wins its
 * field (HSETNX), so a repeated msgid keeps its original req_id and gets a field of its own. The hash expires
 * {@code ttl} after its last change, longer than WeCom's 6-minute stream limit.
 */
public final class OpenStreams {

    private static final char REPEAT = '@';

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
        return record(botId, stream);
    }

    /**
     * The message of {@code repeated} (a new req_id) is open already: records the same stream on the new req_id, with
     * the first delivery's first-frame time; empty when the first delivery's stream is gone meanwhile (finished) or
     * this req_id is recorded already.
     */
    public Mono<OpenStream> repeat(String botId, OpenStream repeated) {
        return find(botId, repeated.streamId())
                .map(first -> first.repeatedOn(repeated.reqId()))
                .filterWhen(stream -> record(botId, stream));
    }

    public Mono<Void> close(String botId, OpenStream stream) {
        return redis.opsForHash().remove(key(botId), field(stream)).then();
    }

    /** Every open stream of the bot, repeated deliveries included; entries that cannot be read are dropped. */
    public Mono<List<OpenStream>> all(String botId) {
        return redis.<String, String>opsForHash().entries(key(botId))
                .flatMapIterable(entry -> parse(entry).stream().toList())
                .collectList();
    }

    /** The first delivery's stream, if it is open. */
    public Mono<OpenStream> find(String botId, String streamId) {
        return redis.<String, String>opsForHash().get(key(botId), streamId)
                .flatMap(value -> Mono.justOrEmpty(parse(Map.entry(streamId, value))));
    }

    private Mono<Boolean> record(String botId, OpenStream stream) {
        String key = key(botId);
        return redis.opsForHash().putIfAbsent(key, field(stream), stream.reqId() + " " + stream.firstFrameAt().toEpochMilli())
                .flatMap(added -> redis.expire(key, ttl).thenReturn(added));
    }

    private static String field(OpenStream stream) {
        return stream.repeat() ? stream.streamId() + REPEAT + stream.reqId() : stream.streamId();
    }

    private static Optional<OpenStream> parse(Map.Entry<String, String> entry) {
        String[] parts = entry.getValue().split(" ", 2);
        int repeat = entry.getKey().indexOf(REPEAT);
        String streamId = repeat < 0 ? entry.getKey() : entry.getKey().substring(0, repeat);
        try {
            return Optional.of(new OpenStream(streamId, parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])), repeat >= 0));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private String key(String botId) {
        return prefix + "open:" + botId;
    }
}
