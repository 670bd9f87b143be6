package io.wecomrelay.responder.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.support.apptoken.AccessTokenException;
import io.wecomrelay.support.apptoken.AccessTokens;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends one part of a self-built app's reply with {@code POST {base}/cgi-bin/message/send?access_token=TOKEN}
 * ({@code text} or {@code markdown}, per bot, or an {@code image} once {@link AppImages} uploaded it) to the user who
 * wrote. A token WeCom refuses (40014 invalid, 42001
 * expired, 40001 invalid credential) is dropped from the shared cache and the part is sent once more with a renewed
 * one; a second refusal is permanent. errcode 0 with the user listed as invalid or unlicensed did not reach them:
 * permanent, like 81013. Never logs or records the token, the Secret or the content.
 */
public final class AppMessageSender {

    private static final int MAX_DETAIL = 200;

    private final WebClient http;
    private final AccessTokens tokens;
    private final URI apiBase;
    private final Duration timeout;
    private final AppMediaUploader uploader;

    /** @param http a client on the guarded connector (service-support's GuardedHttpClient) */
    public AppMessageSender(WebClient http, AccessTokens tokens, URI apiBase, Duration timeout) {
        this.http = http;
        this.tokens = tokens;
        this.apiBase = apiBase;
        this.timeout = timeout;
        this.uploader = new AppMediaUploader(http, tokens, apiBase, timeout);
    }

    public Mono<SendResult> send(BotConfig bot, String userId, String content) {
        return sendBody(bot, userId, body(bot.app(), userId, content));
    }

    /** Sends a {@code message/send} body made by {@link #body} or {@link #imageBody}. */
    Mono<SendResult> sendBody(BotConfig bot, String userId, String body) {
        return tokens.withToken(bot, token -> post(token, userId, body),
                        result -> AccessTokens.refusesToken(result.errcode()))
                .onErrorResume(AccessTokenException.class, AppMessageSender::noToken);
    }

    private static Mono<SendResult> noToken(AccessTokenException e) {
        return Mono.just(noTokenResult(e));
    }

    /** No token could be had: a send (or an upload) fails for now or for good, as {@code gettoken} did. */
    static SendResult noTokenResult(AccessTokenException e) {
        if (e.transientFailure()) {
            return new SendResult(SendResult.Kind.TRANSIENT, e.errcode(), "no access token: " + e.getMessage());
        }
        return new SendResult(SendResult.Kind.PERMANENT, e.errcode(), "no access token: " + e.getMessage(),
                DeliveryFailure.REJECTED);
    }

    /** The same shared token and client upload the reply's images. */
    AppMediaUploader uploader() {
        return uploader;
    }

    private Mono<SendResult> post(String token, String userId, String body) {
        URI uri = UriComponentsBuilder.fromUri(apiBase).path("/cgi-bin/message/send").queryParam("access_token", token)
                .encode().build().toUri();
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchangeToMono(response -> classify(response, userId))
                .timeout(timeout)
                .onErrorResume(e -> Mono.just(new SendResult(SendResult.Kind.TRANSIENT, null,
                        e instanceof TimeoutException ? "timeout" : "transport error " + Causes.describe(e))));
    }

    static String body(AppSettings app, String userId, String content) {
        String msgtype = app.format().wireName();
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("touser", userId);
        body.put("msgtype", msgtype);
        body.put("agentid", app.agentId());
        body.putObject(msgtype).put("content", content);
        return body.toString();
    }

    /** An {@code image} message of an uploaded image. */
    static String imageBody(AppSettings app, String userId, String mediaId) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("touser", userId);
        body.put("msgtype", "image");
        body.put("agentid", app.agentId());
        body.putObject("image").put("media_id", mediaId);
        return body.toString();
    }

    private static Mono<SendResult> classify(ClientResponse response, String userId) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().thenReturn(SendResult.ofHttpStatus(response.statusCode().value()));
        }
        return response.bodyToMono(String.class).defaultIfEmpty("").map(json -> parse(json, userId));
    }

    private static SendResult parse(String json, String userId) {
        JsonNode answer;
        try {
            answer = EventSerde.mapper().readTree(json);
        } catch (JacksonException e) {
            return new SendResult(SendResult.Kind.PERMANENT, null, "answer is not JSON");
        }
        // some successful answers leave errcode out
        int errcode = answer.path("errcode").asInt(0);
        String errmsg = Causes.withoutUrls(answer.path("errmsg").asString(""));
        if (errmsg.length() > MAX_DETAIL) {
            errmsg = errmsg.substring(0, MAX_DETAIL);
        }
        if (errcode == 0 && (listed(answer, "invaliduser", userId) || listed(answer, "unlicenseduser", userId))) {
            return new SendResult(SendResult.Kind.PERMANENT, WeComErrors.ALL_RECIPIENTS_INVALID,
                    "recipient invalid or unlicensed (errcode 0)");
        }
        return SendResult.ofErrcode(errcode, errmsg);
    }

    /** WeCom lower-cases the user ids it lists. */
    private static boolean listed(JsonNode answer, String field, String userId) {
        String list = answer.path(field).asString("");
        return !list.isEmpty() && Arrays.stream(list.split("\\|")).anyMatch(id -> id.equalsIgnoreCase(userId));
    }
}
