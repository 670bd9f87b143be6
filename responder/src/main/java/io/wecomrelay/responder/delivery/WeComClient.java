package io.wecomrelay.responder.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.EventSerde;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Posts markdown to WeCom's send APIs: a message's {@code response_url} and the group webhook
 * {@code {base}/cgi-bin/webhook/send?key=KEY}. Never logs or reports URLs, keys or content.
 */
public final class WeComClient {

    private static final int MAX_DETAIL = 200;

    private final WebClient http;
    private final URI apiBase;
    private final Duration timeout;

    public WeComClient(WebClient http, URI apiBase, Duration timeout) {
        this.http = http;
        this.apiBase = apiBase;
        this.timeout = timeout;
    }

    public Mono<SendResult> toResponseUrl(URI responseUrl, String markdown) {
        return post(responseUrl, markdown);
    }

    public Mono<SendResult> toWebhook(Secret key, String markdown) {
        URI uri = UriComponentsBuilder.fromUri(apiBase).path("/cgi-bin/webhook/send")
                .queryParam("key", key.reveal()).encode().build().toUri();
        return post(uri, markdown);
    }

    private Mono<SendResult> post(URI uri, String markdown) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body(markdown))
                .exchangeToMono(WeComClient::classify)
                .timeout(timeout)
                .onErrorResume(e -> Mono.just(new SendResult(SendResult.Kind.TRANSIENT, null,
                        e instanceof TimeoutException ? "timeout" : "transport error " + e.getClass().getSimpleName())));
    }

    static String body(String markdown) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", markdown);
        return body.toString();
    }

    private static Mono<SendResult> classify(ClientResponse response) {
        int status = response.statusCode().value();
        if (response.statusCode().is5xxServerError()) {
            return response.releaseBody().thenReturn(new SendResult(SendResult.Kind.TRANSIENT, null, "HTTP " + status));
        }
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().thenReturn(new SendResult(SendResult.Kind.PERMANENT, null, "HTTP " + status));
        }
        return response.bodyToMono(String.class).defaultIfEmpty("").map(WeComClient::parse);
    }

    private static SendResult parse(String json) {
        try {
            JsonNode answer = EventSerde.mapper().readTree(json);
            JsonNode errcode = answer.get("errcode");
            if (errcode == null || !errcode.isIntegralNumber()) {
                return new SendResult(SendResult.Kind.PERMANENT, null, "answer without errcode");
            }
            String errmsg = answer.path("errmsg").asString("");
            return SendResult.ofErrcode(errcode.asInt(), errmsg.length() > MAX_DETAIL ? errmsg.substring(0, MAX_DETAIL) : errmsg);
        } catch (JacksonException e) {
            return new SendResult(SendResult.Kind.PERMANENT, null, "answer is not JSON");
        }
    }
}
