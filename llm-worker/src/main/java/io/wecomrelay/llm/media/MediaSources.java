package io.wecomrelay.llm.media;

import java.util.function.Function;

import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.schemas.bot.BotConfig;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Every attachment from its own source: AI bots' media from signed URLs, self-built apps' from {@code media/get}. */
public final class MediaSources implements MediaSource {

    private final SignedUrls signed;
    private final AppMediaApi app;

    public MediaSources(SignedUrls signed, AppMediaApi app) {
        this.signed = signed;
        this.app = app;
    }

    @Override
    public @Nullable MediaFailure refusal(Attachment attachment) {
        return of(attachment).refusal(attachment);
    }

    @Override
    public <T> Mono<T> fetch(BotConfig bot, Attachment attachment, long maxBytes, Function<Download, Mono<T>> use) {
        return of(attachment).fetch(bot, attachment, maxBytes, use);
    }

    @Override
    public String host(Attachment attachment) {
        return of(attachment).host(attachment);
    }

    private MediaSource of(Attachment attachment) {
        return attachment instanceof Attachment.AppMedia ? app : signed;
    }
}
