package io.wecomrelay.llm.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.dify.DifyFile;
import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.llm.media.MediaFailure.Reason;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.bot.BotConfig;
import org.jspecify.annotations.Nullable;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Passes a message's attachments to Dify, one file after the other, each streamed from its download
 * (decrypted on the way, for AI bots' media) into its upload as the message's Dify {@code user}, and returns the
 * {@code {type, transfer_method: local_file, upload_file_id}} references. At most
 * {@link Limits#maxAttachments()} are passed on; the rest are ignored and counted. Every attachment's source is
 * checked against its allow-list before the first download ({@link MediaSource}), so a refused one stops the work
 * unsent. Each file's
 * transfer is bounded by {@link Limits#transferTimeout()}, and the whole work by the reply's
 * deadline. The first failure ends the work with {@link Prepared.Failed}, counted by reason and
 * logged with the bot, the message id and the URL's host only; the emitted Mono never fails.
 * Thread-safe.
 */
public final class Attachments {

    private static final Logger log = LoggerFactory.getLogger(Attachments.class);

    /**
     * @param maxBytes        the largest file passed on (decrypted size)
     * @param maxAttachments  attachments of one message passed on
     * @param transferTimeout longest download and upload of one file
     */
    public record Limits(long maxBytes, int maxAttachments, Duration transferTimeout) {
    }

    private final MediaSource source;
    private final DifyClient dify;
    private final Limits limits;
    private final MediaMetrics metrics;
    private final Clock clock;

    public Attachments(MediaSource source, DifyClient dify, Limits limits, MediaMetrics metrics, Clock clock) {
        this.source = source;
        this.dify = dify;
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param msgId    the WeCom message, for logs
     * @param user     the Dify user of the chat request that will reference the files
     * @param deadline when the reply must be finished: media work still running then fails
     */
    public Mono<Prepared> prepare(BotConfig bot, String msgId, String user, List<Attachment> attachments,
                                  Instant deadline) {
        if (attachments.isEmpty()) {
            return Mono.just(Prepared.NONE);
        }
        List<Attachment> passed = limited(bot, msgId, attachments);
        for (Attachment attachment : passed) {
            MediaFailure refusal = source.refusal(attachment);
            if (refusal != null) {
                return Mono.just(result(failed(bot, msgId, attachment, refusal, null)));
            }
        }
        // the reply span's traceparent: failures are logged on the threads of the downloads and uploads
        return Mono.deferContextual(context -> transferAll(bot, msgId, user, passed, deadline,
                        context.getOrDefault(RelayTracing.CONTEXT_KEY, null)))
                .<Prepared>map(Prepared.Files::new)
                .onErrorResume(MediaFailure.class, failure -> Mono.just(result(failure)));
    }

    private List<Attachment> limited(BotConfig bot, String msgId, List<Attachment> attachments) {
        if (attachments.size() <= limits.maxAttachments()) {
            return attachments;
        }
        int ignored = attachments.size() - limits.maxAttachments();
        metrics.ignored(bot.id(), ignored);
        log.info("attachments over the limit ignored bot={} msgId={} ignored={} limit={}", bot.id(), msgId, ignored,
                limits.maxAttachments());
        return attachments.subList(0, limits.maxAttachments());
    }

    /** One file after the other, all of them before the deadline. */
    private Mono<List<Map<String, String>>> transferAll(BotConfig bot, String msgId, String user,
                                                       List<Attachment> attachments, Instant deadline,
                                                       @Nullable String traceparent) {
        var current = new AtomicReference<Attachment>(attachments.get(0));
        Duration left = Duration.between(clock.instant(), deadline);
        return Flux.fromIterable(attachments)
                .concatMap(attachment -> {
                    // concatMap calls this when the previous file is done (unlike doOnNext, which sees prefetches)
                    current.set(attachment);
                    return transfer(bot, msgId, user, attachment, traceparent);
                })
                .collectList()
                .timeout(left.isNegative() ? Duration.ZERO : left, Mono.error(() -> failed(bot, msgId, current.get(),
                        MediaFailure.unavailable(Reason.DEADLINE, "reply deadline"), traceparent)));
    }

    private static Prepared result(MediaFailure failure) {
        return new Prepared.Failed(failure.code(), failure.reason().tag() + ": " + failure.getMessage());
    }

    private Mono<Map<String, String>> transfer(BotConfig bot, String msgId, String user, Attachment attachment,
                                               @Nullable String traceparent) {
        var downloaded = new AtomicBoolean();
        var size = new AtomicLong();
        return source.fetch(bot, attachment, limits.maxBytes(),
                        download -> upload(bot, user, attachment.kind(), counted(download, downloaded, size)))
                .timeout(limits.transferTimeout(), Mono.error(() -> downloaded.get()
                        ? MediaFailure.upload(ErrorCodes.NETWORK_ERROR, "dify upload timeout")
                        : MediaFailure.unavailable(Reason.UNREACHABLE, "transfer timeout")))
                .map(id -> {
                    metrics.media(bot.id(), attachment.kind(), "ok", size.get());
                    return Map.of("type", FileNames.difyType(attachment.kind(), id.name()),
                            "transfer_method", "local_file", "upload_file_id", id.id());
                })
                .onErrorMap(MediaFailure.class, failure -> failed(bot, msgId, attachment, failure, traceparent));
    }

    private static Download counted(Download download, AtomicBoolean downloaded, AtomicLong size) {
        return new Download(download.filename(), download.contentType(), download.content()
                .doOnNext(piece -> size.addAndGet(piece.length))
                .doOnComplete(() -> downloaded.set(true)));
    }

    /** The upload's id and the filename it was given. */
    private record Uploaded(String id, String name) {
        // file names are user content
        @Override
        public String toString() {
            return "Uploaded[id=" + id + "]";
        }
    }

    /** Names the file by its first piece (magic bytes), then streams all pieces into the upload. */
    private Mono<Uploaded> upload(BotConfig bot, String user, Attachment.Kind kind, Download download) {
        return download.content()
                .switchOnFirst((first, content) -> {
                    if (first.hasError()) {
                        return Mono.error(first.getThrowable());
                    }
                    byte[] head = first.hasValue() ? first.get() : new byte[0];
                    String name = FileNames.name(kind, download.filename(), head);
                    Flux<DataBuffer> buffers = content.map(DefaultDataBufferFactory.sharedInstance::wrap);
                    var file = new DifyFile(name, FileNames.mimeType(name, download.contentType()), buffers);
                    return dify.upload(bot.dify(), user, file).map(id -> new Uploaded(id, name));
                })
                .next()
                .onErrorMap(error -> !(error instanceof MediaFailure), Attachments::uploadFailure);
    }

    /** The download's own failure when it broke the upload, otherwise Dify's. */
    private static MediaFailure uploadFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof MediaFailure media) {
                return media;
            }
        }
        if (error instanceof DifyApiException api) {
            String cause = "dify upload " + api.status() + " " + api.code();
            return "file_too_large".equals(api.code()) ? MediaFailure.tooLarge(cause) : MediaFailure.upload(api.code(), cause);
        }
        return MediaFailure.upload(ErrorCodes.NETWORK_ERROR, "dify upload " + error.getClass().getSimpleName());
    }

    private MediaFailure failed(BotConfig bot, String msgId, Attachment attachment, MediaFailure failure,
                                @Nullable String traceparent) {
        metrics.media(bot.id(), attachment.kind(), failure.code(), 0);
        metrics.failed(bot.id(), attachment.kind(), failure.reason().tag());
        try (var trace = TraceLog.of(traceparent)) {
            log.info("media not passed on bot={} msgId={} kind={} host={} reason={} cause={}", bot.id(), msgId,
                    attachment.kind(), source.host(attachment), failure.reason().tag(), failure.getMessage());
        }
        return failure;
    }
}
