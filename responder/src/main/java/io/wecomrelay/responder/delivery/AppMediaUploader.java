package io.wecomrelay.responder.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.support.apptoken.AccessTokenException;
import io.wecomrelay.support.apptoken.AccessTokens;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Uploads one image of a self-built app's reply with {@code POST {base}/cgi-bin/media/upload?access_token=TOKEN&type=image}
 * (multipart, part {@code media}, protocol reference §6.2): WeCom answers a {@code media_id} that {@code message/send}
 * takes for three days. A refused token (40014, 42001, 40001) is renewed once, as for {@code message/send}. Errcodes are
 * classified like a send's ({@link SendResult#ofErrcode}): 45009, 45033 and -1 pass, 40006 (size), 40004 (type) and
 * 40123 (not an image) do not. Never logs or records the token or the bytes.
 */
final class AppMediaUploader {

    private final WebClient http;
    private final AccessTokens tokens;
    private final URI apiBase;
    private final Duration timeout;

    AppMediaUploader(WebClient http, AccessTokens tokens, URI apiBase, Duration timeout) {
        this.http = http;
        this.tokens = tokens;
        this.apiBase = apiBase;
        this.timeout = timeout;
    }

    /** WeCom's answer: {@code mediaId} set exactly when the result is {@link SendResult.Kind#DELIVERED}. */
    record Upload(SendResult result, @Nullable String mediaId) {
    }

    /** @param name the file name recipients see, e.g. {@code image-1.png} */
    Mono<Upload> upload(BotConfig bot, ReplyImage image, byte[] bytes, String name) {
        return tokens.withToken(bot, token -> post(token, image, bytes, name),
                        upload -> AccessTokens.refusesToken(upload.result().errcode()))
                .onErrorResume(AccessTokenException.class, e -> Mono.just(new Upload(AppMessageSender.noTokenResult(e), null)));
    }

    private Mono<Upload> post(String token, ReplyImage image, byte[] bytes, String name) {
        URI uri = UriComponentsBuilder.fromUri(apiBase).path("/cgi-bin/media/upload").queryParam("access_token", token)
                .queryParam("type", "image").encode().build().toUri();
        var parts = new MultipartBodyBuilder();
        parts.part("media", new ByteArrayResource(bytes)).filename(name)
                .contentType(MediaType.parseMediaType(image.format().mediaType()));
        return http.post().uri(uri).contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(parts.build()))
                .exchangeToMono(AppMediaUploader::classify)
                .timeout(timeout)
                .onErrorResume(e -> Mono.just(new Upload(new SendResult(SendResult.Kind.TRANSIENT, null,
                        e instanceof TimeoutException ? "timeout" : "transport error " + Causes.describe(e)), null)));
    }

    private static Mono<Upload> classify(ClientResponse response) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().thenReturn(new Upload(SendResult.ofHttpStatus(response.statusCode().value()), null));
        }
        return response.bodyToMono(String.class).defaultIfEmpty("").map(AppMediaUploader::parse);
    }

    private static Upload parse(String json) {
        JsonNode answer;
        try {
            answer = EventSerde.mapper().readTree(json);
        } catch (JacksonException e) {
            return new Upload(new SendResult(SendResult.Kind.PERMANENT, null, "answer is not JSON"), null);
        }
        int errcode = answer.path("errcode").asInt(0);
        String mediaId = answer.path("media_id").asString("");
        if (errcode == 0 && mediaId.isEmpty()) {
            return new Upload(new SendResult(SendResult.Kind.PERMANENT, 0, "no media_id in the answer"), null);
        }
        String errmsg = Causes.withoutUrls(answer.path("errmsg").asString(""));
        SendResult result = SendResult.ofErrcode(errcode, errmsg.length() > 200 ? errmsg.substring(0, 200) : errmsg);
        return new Upload(result, errcode == 0 ? mediaId : null);
    }
}
