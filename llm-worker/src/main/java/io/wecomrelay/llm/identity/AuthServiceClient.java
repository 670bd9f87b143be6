package io.wecomrelay.llm.identity;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.wecomrelay.schemas.bot.IdentitySource;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.support.outbound.OutboundRefusedException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Asks the company's auth service for one WeCom user's token:
 * {@code POST <identity.url>} with {@code {"bot_id","user_id"}} (and {@code Authorization: Bearer <identity.api-key>}
 * when set). {@code 200 {"token": "...", "expires_in": 3600}} grants a token ({@code expires_in} in seconds,
 * optional); {@code 403} or {@code 404}, optionally with {@code {"reason": "..."}}, refuses the user. 429, 5xx,
 * connect errors and timeouts are tried again ({@code maxAttempts} in all), then the service counts as
 * unavailable, as does any other answer. The URL must pass the {@link OutboundPolicy} (the worker's identity
 * allow-list) before any request; the client underneath checks the resolved address again before connecting.
 */
public final class AuthServiceClient {

    /** The largest answer read; a token is a few hundred bytes. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024;
    private static final int MAX_TOKEN_CHARS = 8192;
    private static final Pattern REASON = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param timeout      one try, from the request to the whole answer
     * @param maxAttempts  tries in all, at least 1
     * @param firstBackoff wait before the second try (doubling, with jitter)
     */
    public record Settings(Duration timeout, int maxAttempts, Duration firstBackoff) {
    }

    private final WebClient web;
    private final OutboundPolicy policy;
    private final Settings settings;

    /** @param web a client built on {@code GuardedHttpClient.guard(..., policy)} */
    public AuthServiceClient(WebClient web, OutboundPolicy policy, Settings settings) {
        this.web = web;
        this.policy = policy;
        this.settings = settings;
    }

    /** Fails only with {@link IdentityUnavailableException}. */
    public Mono<IdentityAnswer> ask(IdentitySource source, String botId, String userId) {
        var verdict = policy.check(source.url().toString());
        if (!verdict.isAllowed()) {
            return Mono.error(new IdentityUnavailableException("not_allowed_" + verdict.code()));
        }
        return Mono.defer(() -> web.post().uri(verdict.uri())
                        .headers(headers -> {
                            if (source.apiKey() != null) {
                                headers.setBearerAuth(source.apiKey().reveal());
                            }
                        })
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("bot_id", botId, "user_id", userId))
                        .exchangeToMono(this::read)
                        .timeout(settings.timeout()))
                .retryWhen(Retry.backoff(settings.maxAttempts() - 1L, settings.firstBackoff()).jitter(0.5)
                        .filter(AuthServiceClient::retryable)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorMap(error -> !(error instanceof IdentityUnavailableException), AuthServiceClient::unavailable);
    }

    private Mono<IdentityAnswer> read(ClientResponse response) {
        int status = response.statusCode().value();
        if (status == 200) {
            return response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).map(AuthServiceClient::token);
        }
        if (status == 403 || status == 404) {
            return response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).map(AuthServiceClient::refusal);
        }
        return response.releaseBody().then(Mono.error(new Status(status)));
    }

    private static IdentityAnswer token(byte[] body) {
        JsonNode node = json(body);
        JsonNode token = node.path("token");
        if (!token.isString() || token.asString().isBlank() || token.asString().length() > MAX_TOKEN_CHARS) {
            throw new IdentityUnavailableException("bad_response");
        }
        JsonNode expiresIn = node.path("expires_in");
        Duration expires = expiresIn.canConvertToLong() && expiresIn.asLong() > 0
                ? Duration.ofSeconds(expiresIn.asLong()) : null;
        return new IdentityAnswer.Token(token.asString(), expires);
    }

    private static IdentityAnswer refusal(byte[] body) {
        JsonNode reason = json(body).path("reason");
        // the reason is recorded and logged: only a short code, never free text the service might fill with anything
        return new IdentityAnswer.Refused(reason.isString() && REASON.matcher(reason.asString()).matches()
                ? reason.asString() : "refused");
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    private static boolean retryable(Throwable error) {
        if (error instanceof Status status) {
            return status.code == 429 || status.code >= 500;
        }
        return error instanceof TimeoutException || error instanceof WebClientRequestException
                || error instanceof IOException;
    }

    private static IdentityUnavailableException unavailable(Throwable error) {
        if (error instanceof Status status) {
            return new IdentityUnavailableException("http_" + status.code);
        }
        if (error instanceof TimeoutException) {
            return new IdentityUnavailableException("timeout");
        }
        if (error instanceof WebClientRequestException request && request.getCause() instanceof OutboundRefusedException) {
            return new IdentityUnavailableException("not_allowed_address");
        }
        if (error instanceof WebClientRequestException || error instanceof IOException) {
            return new IdentityUnavailableException("unreachable");
        }
        return new IdentityUnavailableException("bad_response");
    }

    /** An answer with a status that grants nothing and refuses nothing. */
    private static final class Status extends RuntimeException {
        private final int code;

        Status(int code) {
            super("HTTP " + code, null, false, false);
            this.code = code;
        }
    }
}
