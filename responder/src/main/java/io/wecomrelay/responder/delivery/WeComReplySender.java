package io.wecomrelay.responder.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.outbound.OutboundVerdict;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.wecomrelay.support.outbound.OutboundRefusedException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Posts markdown (and, to a webhook, images) to WeCom's send APIs: a message's {@code response_url} and the group webhook
 * {@code {base}/cgi-bin/webhook/send?key=KEY}. Every request goes through a {@link GuardedHttpClient}:
 * a response_url is checked against the {@link OutboundPolicy} before any request ({@link #check}),
 * and every address is checked again right before connecting, so a listed name that resolves to an
 * internal address gets no request either. Never logs or reports URLs, keys or content.
 */
public final class WeComReplySender {

    private static final int MAX_DETAIL = 200;

    private final WebClient http;
    private final OutboundPolicy policy;
    private final URI apiBase;
    private final Duration timeout;

    /**
     * @param http    the Reactor Netty client to guard (pool, resolver); redirects and proxies are turned off
     * @param apiBase WeCom's API base; must be allowed by {@code policy}, else nothing could be sent
     */
    public WeComReplySender(HttpClient http, OutboundPolicy policy, URI apiBase, Duration timeout) {
        if (!policy.check(apiBase.resolve("/cgi-bin/webhook/send").toString()).isAllowed()) {
            throw new IllegalArgumentException("the WeCom API base URL (" + apiBase.getScheme() + "://"
                    + apiBase.getRawAuthority() + ") is not on the allow-list " + policy.entries());
        }
        this.http = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(GuardedHttpClient.guard(http, policy)))
                .build();
        this.policy = policy;
        this.apiBase = apiBase;
        this.timeout = timeout;
    }

    /** Whether a message's response_url may be requested at all; only an allowed one is passed to {@link #toResponseUrl}. */
    public OutboundVerdict check(String responseUrl) {
        return policy.check(responseUrl);
    }

    /** @param responseUrl the URI of an allowed {@link #check} verdict */
    public Mono<SendResult> toResponseUrl(URI responseUrl, String markdown) {
        return post(responseUrl, markdown);
    }

    public Mono<SendResult> toWebhook(Secret key, String markdown) {
        return toWebhookBody(key, body(markdown));
    }

    /** @param body a whole webhook message, e.g. {@link #imageBody} */
    public Mono<SendResult> toWebhookBody(Secret key, String body) {
        URI uri = UriComponentsBuilder.fromUri(apiBase).path("/cgi-bin/webhook/send")
                .queryParam("key", key.reveal()).encode().build().toUri();
        return postBody(uri, body);
    }

    private Mono<SendResult> post(URI uri, String markdown) {
        return postBody(uri, body(markdown));
    }

    private Mono<SendResult> postBody(URI uri, String body) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchangeToMono(WeComReplySender::classify)
                .timeout(timeout)
                .onErrorResume(e -> Mono.just(failed(e)));
    }

    /** Only the exception type, or the refusal's code: transport exceptions carry the URL in their messages. */
    private static SendResult failed(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof OutboundRefusedException refused) {
                return SendResult.givenUp(DeliveryFailure.REFUSED_URL, "refused before connecting: " + refused.refusal().code());
            }
        }
        return new SendResult(SendResult.Kind.TRANSIENT, null,
                e instanceof TimeoutException ? "timeout" : "transport error " + Causes.describe(e));
    }

    static String body(String markdown) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", markdown);
        return body.toString();
    }

    /** A webhook image message: {@code {"msgtype":"image","image":{"base64":...,"md5":...}}} (raw image at most 2 MB). */
    static String imageBody(String base64, String md5) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgtype", "image");
        body.putObject("image").put("base64", base64).put("md5", md5);
        return body.toString();
    }

    private static Mono<SendResult> classify(ClientResponse response) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().thenReturn(SendResult.ofHttpStatus(response.statusCode().value()));
        }
        return response.bodyToMono(String.class).defaultIfEmpty("").map(WeComReplySender::parse);
    }

    private static SendResult parse(String json) {
        try {
            JsonNode answer = EventSerde.mapper().readTree(json);
            JsonNode errcode = answer.get("errcode");
            if (errcode == null || !errcode.isIntegralNumber()) {
                return new SendResult(SendResult.Kind.PERMANENT, null, "answer without errcode");
            }
            String errmsg = Causes.withoutUrls(answer.path("errmsg").asString(""));
            return SendResult.ofErrcode(errcode.asInt(), errmsg.length() > MAX_DETAIL ? errmsg.substring(0, MAX_DETAIL) : errmsg);
        } catch (JacksonException e) {
            return new SendResult(SendResult.Kind.PERMANENT, null, "answer is not JSON");
        }
    }
}
