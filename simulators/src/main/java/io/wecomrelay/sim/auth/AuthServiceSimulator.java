package io.wecomrelay.sim.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The company auth service the llm-worker asks for a WeCom user's token ({@code identity} in the bots file), on
 * {@code 127.0.0.1}. {@code POST /token} with {@code {"bot_id","user_id"}} answers {@code 200 {"token","expires_in"}}
 * with a new token per call, {@code 403 {"reason"}} for a refused user, {@code 503} while {@link #down} is set, and
 * {@code 401} without the configured bearer key. {@link #isValid} says whether a token was issued by it and is
 * neither expired ({@link #expireTokens}) nor revoked, so a Dify simulator can check the token it is given
 * ({@code DifySimulator.checkInput}). Never logs a token. Thread-safe.
 */
public final class AuthServiceSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuthServiceSimulator.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DisposableServer server;
    private final @Nullable String apiKey;
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsByUser = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private final AtomicReference<Duration> expiresIn = new AtomicReference<>(Duration.ofHours(1));
    private volatile boolean down;

    private AuthServiceSimulator(@Nullable String apiKey, int port) {
        this.apiKey = apiKey;
        this.server = HttpServer.create().host("127.0.0.1").port(port)
                .route(routes -> routes.post("/token", this::token))
                .bindNow(Duration.ofSeconds(10));
        log.info("auth-sim listening on {}", url());
    }

    /** @param apiKey the bearer key callers must send, or null for none */
    public static AuthServiceSimulator start(@Nullable String apiKey) {
        return new AuthServiceSimulator(apiKey, 0);
    }

    /** {@code http://127.0.0.1:PORT/token}, the value for {@code identity.url}. */
    public String url() {
        return origin() + "/token";
    }

    /** {@code http://127.0.0.1:PORT}, the entry for the worker's identity allow-list. */
    public String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    /** From now on refuses {@code userId} (any bot) with {@code reason}. */
    public AuthServiceSimulator refuse(String userId, String reason) {
        refused.put(userId, reason);
        return this;
    }

    /** Answers every call with 503 while {@code value} is true. */
    public AuthServiceSimulator down(boolean value) {
        down = value;
        return this;
    }

    /** Waits this long before answering (to overlap lookups). */
    public AuthServiceSimulator delay(Duration value) {
        delay.set(Objects.requireNonNull(value, "value"));
        return this;
    }

    /** The {@code expires_in} of tokens issued from now on. */
    public AuthServiceSimulator expiresIn(Duration value) {
        expiresIn.set(Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Every token issued so far stops being valid, as when they expire or are revoked. */
    public AuthServiceSimulator expireTokens() {
        valid.clear();
        return this;
    }

    /** Whether {@code token} was issued here and has not expired. */
    public boolean isValid(String token) {
        return valid.contains(token);
    }

    /** Every token issued since start, expired ones included (for tests that look for leaks). */
    public Set<String> issuedTokens() {
        return Set.copyOf(issued);
    }

    /** Calls of {@code POST /token} answered (any status). */
    public long calls() {
        return calls.get();
    }

    /** Calls for one user. */
    public int calls(String userId) {
        var count = callsByUser.get(userId);
        return count == null ? 0 : count.get();
    }

    /** The most calls for any users that were being answered at the same time. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    private Mono<Void> token(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    int now = running.incrementAndGet();
                    mostAtOnce.accumulateAndGet(now, Math::max);
                    return Mono.delay(delay.get()).then(Mono.defer(() -> answer(request, response, body)))
                            .doFinally(signal -> running.decrementAndGet());
                });
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response, byte[] body) {
        calls.incrementAndGet();
        if (apiKey != null && !("Bearer " + apiKey).equals(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
            return send(response, 401, JSON.createObjectNode().put("reason", "bad_api_key"));
        }
        JsonNode call = JSON.readTree(body.length == 0 ? "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8) : body);
        String userId = call.path("user_id").asString("");
        callsByUser.computeIfAbsent(userId, u -> new AtomicInteger()).incrementAndGet();
        if (down) {
            return send(response, 503, JSON.createObjectNode().put("reason", "down"));
        }
        if (userId.isEmpty() || call.path("bot_id").asString("").isEmpty()) {
            return send(response, 400, JSON.createObjectNode().put("reason", "bot_id and user_id are required"));
        }
        String reason = refused.get(userId);
        if (reason != null) {
            return send(response, 403, JSON.createObjectNode().put("reason", reason));
        }
        String token = "tok-" + UUID.randomUUID();
        valid.add(token);
        issued.add(token);
        return send(response, 200, JSON.createObjectNode().put("token", token)
                .put("expires_in", Math.max(1, expiresIn.get().toSeconds())));
    }

    private static Mono<Void> send(HttpServerResponse response, int status, JsonNode body) {
        return response.status(HttpResponseStatus.valueOf(status))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendByteArray(Mono.just(JSON.writeValueAsBytes(body)))
                .then();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
