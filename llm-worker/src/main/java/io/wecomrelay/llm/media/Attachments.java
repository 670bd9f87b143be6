package io.wecomrelay.llm.media;

import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.dify.DifyFile;
import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.crypto.WecomAesKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Passes a message's attachments to Dify: downloads and decrypts all of them first (their URLs
 * expire), then uploads each as the message's Dify {@code user} and returns the
 * {@code {type, transfer_method: local_file, upload_file_id}} references. The first failure ends
 * the work with {@link Prepared.Failed}; the emitted Mono never fails. Thread-safe.
 */
public final class Attachments {

    private final MediaFetcher fetcher;
    private final DifyClient dify;
    private final long maxBytes;
    private final MediaMetrics metrics;

    /** @param maxBytes the largest file passed on (decrypted size) */
    public Attachments(MediaFetcher fetcher, DifyClient dify, long maxBytes, MediaMetrics metrics) {
        this.fetcher = fetcher;
        this.dify = dify;
        this.maxBytes = maxBytes;
        this.metrics = metrics;
    }

    /** @param user the Dify user of the chat request that will reference the files */
    public Mono<Prepared> prepare(BotConfig bot, String user, List<Attachment> attachments) {
        if (attachments.isEmpty()) {
            return Mono.just(Prepared.NONE);
        }
        return Flux.fromIterable(attachments)
                .concatMap(attachment -> fetch(bot, attachment))
                .collectList()
                .flatMapMany(files -> Flux.fromIterable(files).concatMap(file -> upload(bot, user, file)))
                .collectList()
                .<Prepared>map(Prepared.Files::new)
                .onErrorResume(MediaFailure.class,
                        failure -> Mono.just(new Prepared.Failed(failure.code(), failure.getMessage())));
    }

    /** A decrypted file ready for upload. */
    private record Ready(Attachment.Kind kind, DifyFile file) {
    }

    private Mono<Ready> fetch(BotConfig bot, Attachment attachment) {
        WecomAesKey key;
        try {
            key = attachment.aesKey() != null ? WecomAesKey.fromBase64(attachment.aesKey())
                    : WecomAesKey.fromEncodingAesKey(bot.aesKey().reveal());
        } catch (WecomCryptoException e) {
            return failed(bot, attachment.kind(), new MediaFailure(ErrorCodes.MEDIA_DECRYPT_FAILED, "bad key"));
        }
        return fetcher.fetch(attachment.url(), key, maxBytes)
                .map(fetched -> {
                    String name = FileNames.name(attachment.kind(), fetched.filename(), fetched.bytes());
                    var file = new DifyFile(name, FileNames.mimeType(name, fetched.contentType()), fetched.bytes());
                    return new Ready(attachment.kind(), file);
                })
                .onErrorResume(MediaFailure.class, failure -> failed(bot, attachment.kind(), failure));
    }

    private Mono<Map<String, String>> upload(BotConfig bot, String user, Ready ready) {
        String type = FileNames.difyType(ready.kind(), ready.file().name());
        return dify.upload(bot.dify(), user, ready.file())
                .map(id -> {
                    metrics.media(bot.id(), ready.kind(), "ok", ready.file().bytes().length);
                    return Map.of("type", type, "transfer_method", "local_file", "upload_file_id", id);
                })
                .onErrorResume(e -> failed(bot, ready.kind(), uploadFailure(e)));
    }

    private static MediaFailure uploadFailure(Throwable error) {
        if (error instanceof DifyApiException api) {
            String code = "file_too_large".equals(api.code()) ? ErrorCodes.MEDIA_TOO_LARGE : api.code();
            return new MediaFailure(code, "dify upload " + api.status() + " " + api.code());
        }
        return new MediaFailure(ErrorCodes.NETWORK_ERROR, "dify upload " + error.getClass().getSimpleName());
    }

    private <T> Mono<T> failed(BotConfig bot, Attachment.Kind kind, MediaFailure failure) {
        metrics.media(bot.id(), kind, failure.code(), 0);
        return Mono.error(failure);
    }
}
