package io.wecomrelay.responder.delivery;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The images the llm-worker attached to a reply (its last chunk names them, {@link ReplyChunk#attachedImages()}):
 * their base64 is read from Redis when it is their turn to be sent, one at a time, and only under a key of the
 * reply's own stream ({@link StreamStateKeys#isImageKeyOf}). Counts {@code relay.responder.images{bot,outcome}}:
 * {@code sent}, {@code failed} (its send was given up), {@code missing} (the bytes expired; the image is left
 * out, the rest of the reply still goes) and {@code upload_failed} (a self-built app's {@code media/upload} refused
 * it or kept failing; left out likewise). A Redis failure is the infrastructure's: the delivery stops without an
 * outcome and is run again later.
 */
public final class AttachedImages {

    private static final Logger log = LoggerFactory.getLogger(AttachedImages.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private final MeterRegistry meters;

    public AttachedImages(ReactiveStringRedisTemplate redis, Duration timeout, MeterRegistry meters) {
        this.redis = redis;
        this.timeout = timeout;
        this.meters = meters;
    }

    /** The reply's attached images, in the order they go out; none for a rejection or an older chunk. */
    static List<ReplyImage> of(FinishedReply reply) {
        return reply.source() instanceof ReplyChunk chunk ? chunk.attachedImages() : List.of();
    }

    /** The image's webhook message body; empty when its bytes are gone. */
    Mono<String> webhookBody(FinishedReply reply, ReplyImage image) {
        return base64(reply, image).map(base64 -> WeComReplySender.imageBody(base64, image.md5()));
    }

    /** The image's standard base64; empty when its bytes are gone (counted). */
    Mono<String> base64(FinishedReply reply, ReplyImage image) {
        if (!StreamStateKeys.isImageKeyOf(reply.streamId(), image.key())) {
            return missing(reply, "a key of another stream");
        }
        return redis.opsForValue().get(image.key())
                .timeout(timeout)
                .switchIfEmpty(Mono.defer(() -> missing(reply, "expired")));
    }

    /** A self-built app's image could not be uploaded: left out ({@link AppImages}). */
    void uploadFailed(String botId) {
        count(botId, "upload_failed");
    }

    /** One attached image went out, or its send was given up. */
    void counted(String botId, boolean sent) {
        count(botId, sent ? "sent" : "failed");
    }

    private Mono<String> missing(FinishedReply reply, String why) {
        log.warn("attached image left out botId={} streamId={} reason={}", reply.botId(), reply.streamId(), why);
        count(reply.botId(), "missing");
        return Mono.empty();
    }

    private void count(String botId, String outcome) {
        Counter.builder("relay.responder.images").description("Attached images of webhook and app replies, by outcome")
                .tag("bot", botId).tag("outcome", outcome).register(meters).increment();
    }
}
