package io.wecomrelay.llm.media;

import java.util.function.Function;

import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.schemas.bot.BotConfig;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Where an attachment's bytes come from. Implementations are thread-safe. */
public sealed interface MediaSource permits SignedUrls, AppMediaApi, MediaSources {

    /**
     * Null when the attachment may be fetched, otherwise why not; {@link Attachments} asks for every attachment of a
     * message before the first download, so that a refused one stops the work unsent.
     */
    @Nullable MediaFailure refusal(Attachment attachment);

    /**
     * Fetches the attachment and lets {@code use} consume it while the download is open.
     *
     * @param maxBytes the largest file accepted (its content, after any decryption)
     * @param use      what to do with the download; must fail only with {@link MediaFailure}s
     * @return what {@code use} gave, or a {@link MediaFailure}
     */
    <T> Mono<T> fetch(BotConfig bot, Attachment attachment, long maxBytes, Function<Download, Mono<T>> use);

    /** The host the attachment comes from, fit for a log line. */
    String host(Attachment attachment);
}
