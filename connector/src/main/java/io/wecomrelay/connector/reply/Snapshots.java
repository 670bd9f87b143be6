package io.wecomrelay.connector.reply;

import java.util.List;

import io.wecomrelay.schemas.stream.StreamStateKeys;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Reads {@code stream:{streamId}} as laid out in {@link StreamStateKeys}. A stream of another bot reads as nothing:
 * stream ids are derived from public values, so only the hash's recorded owner decides.
 */
public final class Snapshots {

    private static final List<String> FIELDS = List.of(StreamStateKeys.CONTENT, StreamStateKeys.FINISH, StreamStateKeys.OWNER);

    private final ReactiveStringRedisTemplate redis;

    public Snapshots(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    public Mono<Snapshot> read(String botId, String streamId) {
        return redis.<String, String>opsForHash().multiGet(StreamStateKeys.key(streamId), FIELDS)
                .map(values -> botId.equals(values.get(2))
                        ? new Snapshot(values.get(0) == null ? "" : values.get(0), "1".equals(values.get(1)))
                        : Snapshot.NOTHING_YET);
    }
}
