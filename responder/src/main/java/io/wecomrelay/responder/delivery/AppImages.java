package io.wecomrelay.responder.delivery;

import java.util.Base64;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.ReplyImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The {@code image} messages of a self-built app's reply: when it is an image's turn (after the text parts), its
 * bytes are read from Redis ({@link AttachedImages}) and uploaded ({@link AppMediaUploader}); the part then sends
 * {@code message/send} with the {@code media_id} like any other part (permit, {@code part:N} state, record). An upload
 * is not a message: it shows the user nothing, so it may be repeated (a retry, a run that takes over the job), and it
 * happens before the part's {@code sending} mark. An image whose upload fails for good (40006 size, 40123 not an
 * image, ...) or after the retries is left out, counted ({@code relay.responder.images{outcome=upload_failed}}) and
 * logged; the rest of the reply still goes and the reply is not failed for it: the answer is its text.
 */
final class AppImages {

    private static final Logger log = LoggerFactory.getLogger(AppImages.class);

    private final AppMediaUploader uploader;
    private final AttachedImages images;
    private final RetryPolicy retry;

    AppImages(AppMediaUploader uploader, AttachedImages images, RetryPolicy retry) {
        this.uploader = uploader;
        this.images = images;
        this.retry = retry;
    }

    /** The image message's {@code message/send} body; empty when the image is left out. */
    Mono<String> body(FinishedReply reply, BotConfig bot, ReplyImage image, int number) {
        String name = "image-" + number + "." + image.format().extension();
        return images.base64(reply, image)
                .map(base64 -> Base64.getDecoder().decode(base64))
                .flatMap(bytes -> upload(reply, bot, image, bytes, name, 1))
                .map(mediaId -> AppMessageSender.imageBody(bot.app(), reply.route().userId(), mediaId));
    }

    private Mono<String> upload(FinishedReply reply, BotConfig bot, ReplyImage image, byte[] bytes, String name, int attempt) {
        return uploader.upload(bot, image, bytes, name).flatMap(upload -> {
            SendResult result = upload.result();
            if (upload.mediaId() != null) {
                return Mono.just(upload.mediaId());
            }
            if (result.kind() == SendResult.Kind.TRANSIENT && retry.allowsAnotherAfter(attempt)) {
                return Mono.delay(retry.backoff(attempt))
                        .then(Mono.defer(() -> upload(reply, bot, image, bytes, name, attempt + 1)));
            }
            log.warn("attached image left out, upload failed botId={} streamId={} image={} errcode={} detail={}",
                    reply.botId(), reply.streamId(), name, result.errcode(), result.detail());
            images.uploadFailed(reply.botId());
            return Mono.empty();
        });
    }
}
