package io.wecomrelay.llm.media;

import java.util.function.Function;

import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.llm.media.MediaFailure.Reason;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import io.wecomrelay.schemas.wecom.crypto.WecomAesKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * AI bots' media ({@link Attachment.Signed}): encrypted bytes at signed storage URLs, fetched only from the media
 * allow-list and decrypted with the message's own key (long connection) or the bot's EncodingAESKey (callbacks).
 */
public final class SignedUrls implements MediaSource {

    private final MediaFetcher fetcher;

    /** @param fetcher on {@code relay.worker.media.allowed-hosts} */
    public SignedUrls(MediaFetcher fetcher) {
        this.fetcher = fetcher;
    }

    @Override
    public @Nullable MediaFailure refusal(Attachment attachment) {
        return fetcher.refusal(signed(attachment).url());
    }

    @Override
    public <T> Mono<T> fetch(BotConfig bot, Attachment attachment, long maxBytes, Function<Download, Mono<T>> use) {
        Attachment.Signed signed = signed(attachment);
        WecomAesKey key;
        try {
            key = key(bot, signed);
        } catch (WecomCryptoException e) {
            return Mono.error(MediaFailure.unavailable(Reason.DECRYPT, "bad key"));
        }
        return fetcher.fetch(new MediaRequest.Encrypted(signed.url(), key), maxBytes, use);
    }

    @Override
    public String host(Attachment attachment) {
        return MediaHosts.of(signed(attachment).url());
    }

    /**
     * A per-message key exists only on long-connection messages (see Inputs); callback media are always encrypted
     * with the bot's own key.
     */
    private static WecomAesKey key(BotConfig bot, Attachment.Signed signed) {
        if (signed.aesKey() != null) {
            return WecomAesKey.fromBase64(signed.aesKey());
        }
        if (bot.aesKey() == null) {
            // a long-connection bot has no EncodingAESKey: its media without their own key cannot be read
            throw new WecomCryptoException(WecomError.ILLEGAL_AES_KEY, "no key for the media");
        }
        return WecomAesKey.fromEncodingAesKey(bot.aesKey().reveal());
    }

    private static Attachment.Signed signed(Attachment attachment) {
        if (attachment instanceof Attachment.Signed signed) {
            return signed;
        }
        throw new IllegalArgumentException("not a signed-URL attachment: " + attachment);
    }
}
