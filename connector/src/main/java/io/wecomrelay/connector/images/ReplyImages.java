package io.wecomrelay.connector.images;

import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.connector.wire.Frames;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A finished reply's images on the long connection, one at a time: each image the worker attached ({@code images}
 * of {@code stream:{streamId}}, objects {@code {"key","md5"}}; only keys of the stream itself are read) is uploaded on
 * the bot's socket ({@link MediaUploader}) and sent as an {@code image} message with {@code aibot_respond_msg} on the
 * message's req_id. Why a reply on the req_id and not {@code aibot_send_msg}: the reference lists {@code image} among
 * a reply's types (§6.6) and WeCom ties it to the user's message, while a push needs the chat id and a
 * {@code chat_type} whose meaning is unconfirmed (§6.7); both count against the same 30 messages a minute.
 * {@code msg_item} on the finish frame is documented as not supported on the long connection, so the stream's text
 * stays as it is. The order, the claim and the progress are the after-finish step's (the continuation package).
 * <p>
 * An image whose bytes expired ({@code missing}), whose upload WeCom refused ({@code upload_failed}: size, format, 30
 * uploads a minute) or whose message failed ({@code failed}) is left out and the next goes on; counted in
 * {@code relay.connector.images{bot,outcome}} ({@code sent} otherwise) and logged without content.
 */
public final class ReplyImages {

    private static final Logger log = LoggerFactory.getLogger(ReplyImages.class);
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    private final ReactiveStringRedisTemplate redis;
    private final MediaUploader uploader;
    private final MeterRegistry meters;

    public ReplyImages(ReactiveStringRedisTemplate redis, Clock clock, MeterRegistry meters) {
        this.redis = redis;
        this.uploader = new MediaUploader(clock);
        this.meters = meters;
    }

    /** An image the worker attached: where its base64 is, and the MD5 of its bytes. */
    public record Attached(String key, String md5) {
    }

    /** The images named by a stream hash's {@code images} field; keys of other streams and bad MD5s are dropped. */
    public static List<Attached> attached(String streamId, @Nullable String json) {
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

    /**
     * Uploads image {@code number} (from 1) and sends it on {@code reqId}. Completes once it is settled: shown, or
     * left out for good (counted with its outcome). Fails when the socket went away meanwhile: nothing is counted and
     * the image is not settled, so whoever holds the bot next uploads and sends it (again, if WeCom had taken the
     * image message and its ack was lost with the socket).
     */
    public Mono<Void> send(String botId, BotSocket socket, String streamId, String reqId, int number, Attached image) {
        var shown = new Shown(botId, streamId, number);
        return redis.opsForValue().get(image.key())
                .mapNotNull(base64 -> decoded(base64, image.md5()))
                .switchIfEmpty(Mono.defer(() -> {
                    outcome(shown, "missing", "bytes expired or not the named ones");
                    return Mono.empty();
                }))
                .flatMap(bytes -> uploader.upload(socket, "image", filename(number, bytes), bytes, image.md5())
                        .onErrorResume(e -> unlessGone(socket, e, () -> outcome(shown, "upload_failed", e.getMessage()))))
                .flatMap(mediaId -> socket.send(Frames.RESPOND, reqId, Frames.image(reqId, mediaId))
                        .flatMap(errcode -> errcode == BotSocket.NOT_SUBSCRIBED
                                ? Mono.<Integer>error(new UploadException("image message", errcode)) : Mono.just(errcode))
                        .doOnNext(errcode -> outcome(shown, errcode == 0 ? "sent" : "failed", "errcode " + errcode))
                        .onErrorResume(e -> unlessGone(socket, e, () -> outcome(shown, "failed", e.getMessage()))))
                .then();
    }

    /** Images that will never be sent (their stream's hash is gone from Redis before a new owner got to them). */
    public void lost(String botId, int images) {
        meters.counter("relay.connector.images", "bot", botId, "outcome", "missing").increment(images);
    }

    /**
     * A failure on a socket still subscribed leaves the image out; one whose socket went away (or that WeCom does not
     * count as subscribed, so it subscribes again) is not settled.
     */
    private static <T> Mono<T> unlessGone(BotSocket socket, Throwable error, Runnable leftOut) {
        boolean notSubscribed = error instanceof UploadException refused && refused.errcode() == BotSocket.NOT_SUBSCRIBED;
        if (notSubscribed || socket.state() != ConnectionState.SUBSCRIBED) {
            return Mono.error(error);
        }
        leftOut.run();
        return Mono.empty();
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

    private void outcome(Shown shown, String outcome, @Nullable String detail) {
        if (!outcome.equals("sent")) {
            log.warn("reply image not shown bot={} streamId={} image={} outcome={} detail={}", shown.botId(),
                    shown.streamId(), shown.number(), outcome, detail);
        }
        meters.counter("relay.connector.images", "bot", shown.botId(), "outcome", outcome).increment();
    }

    private record Shown(String botId, String streamId, int number) {
    }
}
