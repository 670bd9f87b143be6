package io.wecomrelay.connector.images;

import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;

import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frame;
import io.wecomrelay.connector.wire.Frames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Uploads one file on a bot's long connection (protocol reference §6.9): {@code aibot_upload_media_init} with its
 * size, chunk count and MD5, then its chunks of at most {@value #CHUNK_BYTES} bytes before base64, one at a time (each
 * its own req_id, so one unacknowledged frame per req_id), then {@code aibot_upload_media_finish}, whose ack names the
 * {@code media_id}. Chunks are counted from 0, as the official SDK's code sends them (its type comment and the doc's
 * example say 1; the SDK's code is what WeCom is known to take). Completes with the media id; fails with
 * {@link UploadException} when WeCom refuses a step, or the socket's error when an ack does not come.
 */
final class MediaUploader {

    /** WeCom's limit per chunk, before base64. */
    static final int CHUNK_BYTES = 512 * 1024;
    /** WeCom's limit of chunks per upload. */
    static final int MAX_CHUNKS = 100;

    private final Clock clock;

    MediaUploader(Clock clock) {
        this.clock = clock;
    }

    Mono<String> upload(BotSocket socket, String type, String filename, byte[] bytes, String md5) {
        int chunks = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        if (chunks > MAX_CHUNKS) {
            return Mono.error(new UploadException("init (too large: " + bytes.length + " bytes)", 0));
        }
        String initId = reqId(Frames.UPLOAD_INIT);
        return socket.request(Frames.UPLOAD_INIT, initId, Frames.uploadInit(initId, type, filename, bytes.length, chunks, md5))
                .map(ack -> field(ack, "init", "upload_id"))
                .flatMap(uploadId -> Flux.range(0, chunks)
                        .concatMap(index -> chunk(socket, uploadId, index, bytes))
                        .then(Mono.defer(() -> finish(socket, uploadId))));
    }

    private Mono<Frame> chunk(BotSocket socket, String uploadId, int index, byte[] bytes) {
        byte[] part = Arrays.copyOfRange(bytes, index * CHUNK_BYTES, Math.min(bytes.length, (index + 1) * CHUNK_BYTES));
        String reqId = reqId(Frames.UPLOAD_CHUNK);
        return socket.request(Frames.UPLOAD_CHUNK, reqId,
                        Frames.uploadChunk(reqId, uploadId, index, Base64.getEncoder().encodeToString(part)))
                .doOnNext(ack -> refusedUnlessOk(ack, "chunk " + index));
    }

    private Mono<String> finish(BotSocket socket, String uploadId) {
        String reqId = reqId(Frames.UPLOAD_FINISH);
        return socket.request(Frames.UPLOAD_FINISH, reqId, Frames.uploadFinish(reqId, uploadId))
                .map(ack -> field(ack, "finish", "media_id"));
    }

    private static String field(Frame ack, String step, String name) {
        refusedUnlessOk(ack, step);
        String value = ack.body().path(name).asString("");
        if (value.isEmpty()) {
            throw new UploadException(step + " (no " + name + ")", 0);
        }
        return value;
    }

    private static void refusedUnlessOk(Frame ack, String step) {
        if (ack.errcode() != 0) {
            throw new UploadException(step, ack.errcode());
        }
    }

    private String reqId(String cmd) {
        return Frames.newReqId(cmd, clock.millis());
    }
}
