package io.wecomrelay.llm.media;

import java.net.URI;
import java.util.function.Function;

import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.llm.media.MediaFailure.Reason;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.support.apptoken.AccessTokenException;
import io.wecomrelay.support.apptoken.AccessTokens;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Self-built apps' media ({@link Attachment.AppMedia}): {@code GET {base}/cgi-bin/media/get?access_token=TOKEN&media_id=ID}
 * with the app's access token, shared with the responder ({@link AccessTokens}); the file comes as it is, not
 * encrypted. A token WeCom refuses (40014, 42001, 40001) is dropped from the shared store and the download is tried
 * once more with a renewed one; errcode 40007 (a media id older than WeCom's three days, or a wrong one) fails with
 * {@code media_expired}; any other errcode, or no token to be had, with the one download sentence.
 */
public final class AppMediaApi implements MediaSource {

    private final MediaFetcher fetcher;
    private final AccessTokens tokens;
    private final URI apiBase;

    /**
     * @param fetcher on {@code relay.worker.app.allowed-hosts}
     * @param apiBase WeCom's API base; must be allowed by the fetcher's policy, else no app media could be fetched
     */
    public AppMediaApi(MediaFetcher fetcher, AccessTokens tokens, URI apiBase) {
        this.fetcher = fetcher;
        this.tokens = tokens;
        this.apiBase = apiBase;
        if (fetcher.refusal(mediaGet("token", "id")) != null) {
            throw new IllegalStateException("relay.worker.app.wecom-api-base-url (" + apiBase.getRawAuthority()
                    + ") is not on relay.worker.app.allowed-hosts");
        }
    }

    @Override
    public @Nullable MediaFailure refusal(Attachment attachment) {
        return fetcher.refusal(mediaGet("token", mediaId(attachment)));
    }

    @Override
    public <T> Mono<T> fetch(BotConfig bot, Attachment attachment, long maxBytes, Function<Download, Mono<T>> use) {
        if (bot.app() == null) {
            return Mono.error(MediaFailure.unavailable(Reason.WECOM, "the bot is not a self-built app"));
        }
        String mediaId = mediaId(attachment);
        // the outcome as a value, so that a refused token can be told from the others before it is an error again
        return tokens.withToken(bot,
                        token -> fetcher.fetch(new MediaRequest.WecomApi(mediaGet(token, mediaId)), maxBytes, use)
                                .materialize(),
                        AppMediaApi::refusesToken)
                .<T>dematerialize()
                .onErrorMap(AccessTokenException.class,
                        e -> MediaFailure.unavailable(Reason.WECOM, "no access token: " + e.getMessage()));
    }

    @Override
    public String host(Attachment attachment) {
        return MediaHosts.of(apiBase.toString());
    }

    private static boolean refusesToken(Signal<?> outcome) {
        return outcome.getThrowable() instanceof MediaFailure failure && AccessTokens.refusesToken(failure.errcode());
    }

    private String mediaGet(String token, String mediaId) {
        return UriComponentsBuilder.fromUri(apiBase).path("/cgi-bin/media/get").queryParam("access_token", token)
                .queryParam("media_id", mediaId).encode().build().toUriString();
    }

    private static String mediaId(Attachment attachment) {
        if (attachment instanceof Attachment.AppMedia media) {
            return media.mediaId();
        }
        throw new IllegalArgumentException("not a self-built app's media: " + attachment);
    }
}
