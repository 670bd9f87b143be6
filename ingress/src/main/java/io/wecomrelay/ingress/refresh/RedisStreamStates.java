package io.wecomrelay.ingress.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Reads {@code stream:{streamId}} as laid out in {@link StreamStateKeys}. */
public final class RedisStreamStates implements StreamStates {

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;

    public RedisStreamStates(ReactiveStringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    @Override
    public Mono<StreamSnapshot> read(String streamId) {
        return redis.<String, String>opsForHash().entries(StreamStateKeys.key(streamId))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .filter(fields -> !fields.isEmpty())
                .map(RedisStreamStates::snapshot);
    }

    @Override
    public Mono<Void> markCreated(String streamId, Instant at) {
        String key = StreamStateKeys.key(streamId);
        return redis.<String, String>opsForHash().putIfAbsent(key, StreamStateKeys.CREATED, Long.toString(at.toEpochMilli()))
                .flatMap(created -> created ? redis.expire(key, ttl) : Mono.just(false))
                .then();
    }

    private static StreamSnapshot snapshot(Map<String, String> fields) {
        String created = fields.get(StreamStateKeys.CREATED);
        return new StreamSnapshot(
                created == null ? null : Instant.ofEpochMilli(Long.parseLong(created)),
                fields.getOrDefault(StreamStateKeys.CONTENT, ""),
                "1".equals(fields.get(StreamStateKeys.FINISH)),
                images(fields.get(StreamStateKeys.IMAGES)));
    }

    private static List<String> images(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        JsonNode array = WecomJson.readTree(json);
        return array.valueStream().filter(JsonNode::isString).map(JsonNode::asString).toList();
    }
}
