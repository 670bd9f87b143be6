package io.wecomrelay.connector.images;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frames;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Sends a finished reply's images on the long connection, after WeCom took the stream's finish frame: each image the
 * worker attached ({@code images} of {@code stream:{streamId}}, objects {@code {"key","md5"}}; only keys of the stream
 * itself are read) is uploaded on the bot's socket ({@link MediaUploader}) and sent as an {@code image} message with
 * {@code aibot_respond_msg} on the message's req_id, one after another, in the answer's order. Why a reply on the req_id
 * and not {@code aibot_send_msg}: the reference lists {@code image} among a reply's types (§6.6) and WeCom ties it to
 * the user's message, while a push needs the chat id and a {@code chat_type} whose meaning is unconfirmed (§6.7); both
 * count against the same 30 messages a minute. {@code msg_item} on the finish frame is documented as not supported on
 * the long connection, so the stream's text stays as it is.
 * <p>
 * Once per stream: a Redis key ({@code {prefix}images:{streamId}}, SET NX with a TTL) is claimed before the first
 * upload, so a stream finished on two req_ids (a message WeCom delivered twice) or finished again by a new owner gets
 * its images once. At most once: an instance that dies after the claim loses the images it had not sent. An image
 * whose bytes expired ({@code missing}), whose upload WeCom refused ({@code upload_failed}: size, format, 30 uploads a
 * minute) or whose message failed ({@code failed}) is left out and the next goes on; counted in
 * {@code relay.connector.images{bot,outcome}} ({@code sent} otherwise) and logged without content.
 */
public final class ReplyImages {

    private static final Logger log = LoggerFactory.getLogger(ReplyImages.class);
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final List<String> FIELDS = List.of(StreamStateKeys.OWNER, StreamStateKeys.IMAGES);

    private final ReactiveStringRedisTemplate redis;
    private final MediaUploader uploader;
    private final String claimPrefix;
    private final Duration claimTtl;
    private final MeterRegistry meters;

    /**
     * @param keyPrefix the connector's Redis key prefix ({@code relay.connector.replies.key-prefix})
     * @param claimTtl  how long a stream's claim is kept: longer than a stream can be finished again
     */
    public ReplyImages(ReactiveStringRedisTemplate redis, Clock clock, String keyPrefix, Duration claimTtl,
                       MeterRegistry meters) {
        this.redis = redis;
        this.uploader = new MediaUploader(clock);
        this.claimPrefix = keyPrefix + "images:";
        this.claimTtl = claimTtl;
        this.meters = meters;
    }

    /** A stream of {@code botId} was finished on {@code reqId}: its images, if any and not sent yet. */
    public Mono<Void> afterFinish(String botId, BotSocket socket, String streamId, String reqId) {
        var stream = new Finished(streamId, reqId);
        return attached(botId, stream.streamId())
                .filter(images -> !images.isEmpty())
                .filterWhen(images -> redis.opsForValue().setIfAbsent(claimPrefix + stream.streamId(), stream.reqId(), claimTtl))
                .flatMapMany(images -> Flux.range(0, images.size()).map(i -> new Numbered(i + 1, images.get(i))))
                .concatMap(image -> send(botId, socket, stream, image))
                .then()
                .onErrorResume(e -> {
                    log.warn("reply images not sent bot={} streamId={} cause={}", botId, stream.streamId(), e.toString());
                    return Mono.empty();
                });
    }

    private Mono<List<Attached>> attached(String botId, String streamId) {
        return redis.<String, String>opsForHash().multiGet(StreamStateKeys.key(streamId), FIELDS)
                .map(values -> botId.equals(values.get(0)) ? parse(streamId, values.get(1)) : List.of());
    }

    private static List<Attached> parse(String streamId, @Nullable String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        JsonNode images;
        try {
            images = WecomJson.readTree(json);
        } catch (WecomCryptoException e) {
            return List.of();
        }
        return images.valueStream()
                .filter(JsonNode::isObject)
                .map(image -> new Attached(image.path("key").asString(""), image.path("md5").asString("")))
                .filter(image -> StreamStateKeys.isImageKeyOf(streamId, image.key()) && MD5.matcher(image.md5()).matches())
                .toList();
    }

    private Mono<Void> send(String botId, BotSocket socket, Finished stream, Numbered image) {
        return redis.opsForValue().get(image.attached().key())
                .mapNotNull(base64 -> decoded(base64, image.attached().md5()))
                .switchIfEmpty(Mono.defer(() -> {
                    outcome(botId, stream, image, "missing", "bytes expired or not the named ones");
                    return Mono.empty();
                }))
                .flatMap(bytes -> uploader.upload(socket, "image", filename(image.number(), bytes), bytes, image.attached().md5())
                        .onErrorResume(e -> {
                            outcome(botId, stream, image, "upload_failed", e.getMessage());
                            return Mono.empty();
                        }))
                .flatMap(mediaId -> socket.send(Frames.RESPOND, stream.reqId(), Frames.image(stream.reqId(), mediaId))
                        .doOnNext(errcode -> outcome(botId, stream, image, errcode == 0 ? "sent" : "failed", "errcode " + errcode))
                        .onErrorResume(e -> {
                            outcome(botId, stream, image, "failed", e.getMessage());
                            return Mono.empty();
                        }))
                .then();
    }

    /** The image's bytes, or null when they are not the ones the worker named (or not base64 at all). */
    private static byte @Nullable [] decoded(String base64, String md5) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return StreamImage.of(bytes).md5().equals(md5) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String filename(int number, byte[] bytes) {
        return "image-" + number + "." + ImageFormat.sniff(bytes).map(ImageFormat::extension).orElse("png");
    }

    private void outcome(String botId, Finished stream, Numbered image, String outcome, @Nullable String detail) {
        if (!outcome.equals("sent")) {
            log.warn("reply image not shown bot={} streamId={} image={} outcome={} detail={}", botId, stream.streamId(),
                    image.number(), outcome, detail);
        }
        meters.counter("relay.connector.images", "bot", botId, "outcome", outcome).increment();
    }

    /** An image the worker attached: where its base64 is, and the MD5 of its bytes. */
    private record Attached(String key, String md5) {
    }

    private record Numbered(int number, Attached attached) {
    }

    /** The stream, and the req_id its images answer. */
    private record Finished(String streamId, String reqId) {
    }
}
