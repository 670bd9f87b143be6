package io.wecomrelay.support.apptoken;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.event.EventSerde;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * WeCom's {@code GET {base}/cgi-bin/gettoken?corpid=ID&corpsecret=SECRET}. Fails with an
 * {@link AccessTokenException}: transient for -1 (busy), 45009 (frequency), HTTP 5xx/429, timeouts and network
 * errors; permanent for anything else (40013 CorpID, 40001/40091 Secret, 60020 IP, ...).
 */
public final class TokenApi {

    private static final int SYSTEM_BUSY = -1;
    private static final int FREQUENCY_LIMIT = 45009;

    private final WebClient http;
    private final URI apiBase;
    private final Duration timeout;

    /** @param http a client on the guarded connector (service-support's GuardedHttpClient) */
    public TokenApi(WebClient http, URI apiBase, Duration timeout) {
        this.http = http;
        this.apiBase = apiBase;
        this.timeout = timeout;
    }

    public Mono<IssuedToken> fetch(AppSettings app) {
        URI uri = UriComponentsBuilder.fromUri(apiBase).path("/cgi-bin/gettoken")
                .queryParam("corpid", app.corpId()).queryParam("corpsecret", app.secret().reveal())
                .encode().build().toUri();
        return http.get().uri(uri).exchangeToMono(TokenApi::read)
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof AccessTokenException), e -> new AccessTokenException(null, true,
                        e instanceof TimeoutException ? "gettoken timeout" : "gettoken transport error "
                                + e.getClass().getSimpleName()));
    }

    private static Mono<IssuedToken> read(ClientResponse response) {
        int status = response.statusCode().value();
        if (status != 200) {
            return response.releaseBody().then(Mono.error(new AccessTokenException(null,
                    status >= 500 || status == 429, "gettoken HTTP " + status)));
        }
        return response.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> {
            try {
                return Mono.just(issued(EventSerde.mapper().readTree(body)));
            } catch (JacksonException e) {
                return Mono.error(new AccessTokenException(null, false, "gettoken answer is not JSON"));
            }
        });
    }

    private static IssuedToken issued(JsonNode answer) {
        int errcode = answer.path("errcode").asInt(0);
        if (errcode != 0) {
            boolean passes = errcode == SYSTEM_BUSY || errcode == FREQUENCY_LIMIT;
            throw new AccessTokenException(errcode, passes, "gettoken errcode " + errcode);
        }
        String token = answer.path("access_token").asString("");
        long expiresIn = answer.path("expires_in").asLong(0);
        if (token.isEmpty() || expiresIn <= 0) {
            throw new AccessTokenException(null, false, "gettoken answer without access_token or expires_in");
        }
        return new IssuedToken(token, Duration.ofSeconds(expiresIn));
    }
}
