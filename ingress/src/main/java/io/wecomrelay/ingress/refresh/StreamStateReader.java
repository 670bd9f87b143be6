package io.wecomrelay.ingress.refresh;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code stream:{streamId}} as laid out in {@link StreamStateKeys}, the state the responder materializes
 * (and ingress's marker): one Redis round trip, whose result arrives on Lettuce's single event-loop thread. Before
 * the {@link RedisLink} opened the connection it fails at once, so that no request thread opens it.
 */
public final class StreamStateReader {

    /** Only what a refresh shows; the responder's bookkeeping fields are not transferred. */
    private static final List<String> SHOWN = List.of(StreamStateKeys.CREATED, StreamStateKeys.CONTENT,
            StreamStateKeys.FINISH, StreamStateKeys.IMAGES, StreamStateKeys.OWNER, StreamStateKeys.TRACE_ID);

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    private final ReactiveStringRedisTemplate redis;
    private final RedisLink link;

    public StreamStateReader(ReactiveStringRedisTemplate redis, RedisLink link) {
        this.redis = redis;
        this.link = link;
    }

    /** The stream's state, or empty when the stream is unknown (expired or never ours). */
    Mono<StreamSnapshot> read(String streamId) {
        // Every writer of the hash sets at least one of these (ingress: created and owner; responder: content, finish
        // and owner), so all of them absent means the same as an empty HGETALL: the stream is unknown.
        return link.whenOpen(() -> redis.<String, String>opsForHash().multiGet(StreamStateKeys.key(streamId), SHOWN))
                .filter(values -> values.stream().anyMatch(value -> value != null))
                .map(values -> snapshot(streamId, values));
    }

    /** {@code values} in the order of {@link #SHOWN}; absent fields are null. */
    private static StreamSnapshot snapshot(String streamId, List<@Nullable String> values) {
        String created = values.get(0);
        String content = values.get(1);
        JsonNode images = images(values.get(3));
        return new StreamSnapshot(
                created == null ? null : Instant.ofEpochMilli(Long.parseLong(created)),
                content == null ? "" : content,
                "1".equals(values.get(2)),
                images.valueStream().filter(JsonNode::isString).map(JsonNode::asString).toList(),
                values.get(4),
                attached(streamId, images),
                values.get(5));
    }

    private static JsonNode images(@Nullable String json) {
        return json == null || json.isEmpty() ? WecomJson.mapper().createArrayNode() : WecomJson.readTree(json);
    }

    /** The objects of the images field whose key is one of this stream's image keys. */
    private static List<StreamSnapshot.AttachedImage> attached(String streamId, JsonNode images) {
        return images.valueStream()
                .filter(JsonNode::isObject)
                .map(image -> new StreamSnapshot.AttachedImage(image.path("key").asString(""), image.path("md5").asString("")))
                .filter(image -> StreamStateKeys.isImageKeyOf(streamId, image.key()) && MD5.matcher(image.md5()).matches())
                .toList();
    }
}
