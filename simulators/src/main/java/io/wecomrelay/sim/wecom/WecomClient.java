package io.wecomrelay.sim.wecom;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Talks to a callback URL exactly as WeCom does: encrypted body, signature in the query string,
 * and a check of the reply's signature before trusting it. Thread-safe.
 */
public final class WecomClient {

    private final URI callbackUrl;
    private final WecomCrypto crypto;
    private final HttpClient http;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public WecomClient(URI callbackUrl, String token, String encodingAesKey, HttpClient http, Clock clock) {
        this.callbackUrl = callbackUrl;
        this.crypto = new WecomCrypto(token, encodingAesKey, "", AesCbcEngines.defaultEngine(), random);
        this.http = http;
        this.clock = clock;
    }

    public static WecomClient create(URI callbackUrl, String token, String encodingAesKey) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        return new WecomClient(callbackUrl, token, encodingAesKey, http, Clock.systemUTC());
    }

    /** URL verification: sends an encrypted echostr and returns what the server echoed. */
    public CompletableFuture<String> verifyUrl(String echo) {
        return verifyUrl(http, callbackUrl, sign(crypto.encrypt(echo)));
    }

    /** The URL-verification GET with a signed, encrypted echostr; completes with the body of a 200. */
    static CompletableFuture<String> verifyUrl(HttpClient http, URI callbackUrl, Signed signed) {
        URI uri = URI.create(callbackUrl + "?" + signed.query() + "&echostr=" + encode(signed.encrypt()));
        return http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("URL verification answered HTTP " + response.statusCode());
                    }
                    return response.body();
                });
    }

    /** Sends one callback and decrypts the answer. */
    public CompletableFuture<CallbackResponse> send(ObjectNode plaintext) {
        return sendRaw(sign(crypto.encrypt(WecomJson.write(plaintext))));
    }

    /** Sends a callback whose signature parameters a test controls (hostile-input tests). */
    public CompletableFuture<CallbackResponse> sendRaw(Signed signed) {
        String body = new CallbackEnvelope(signed.encrypt()).toJson();
        HttpRequest request = HttpRequest.newBuilder(URI.create(callbackUrl + "?" + signed.query()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new CallbackResponse(response.statusCode(), openReply(response), response.body()));
    }

    /** Encrypts and signs a plaintext like WeCom, with a fresh timestamp and nonce. */
    public Signed sign(String encrypt) {
        return sign(crypto, clock, random, encrypt);
    }

    /** Signs like WeCom: the current time in seconds and a random nonce. */
    static Signed sign(WecomCrypto crypto, Clock clock, SecureRandom random, String encrypt) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = Long.toString(random.nextLong() & Long.MAX_VALUE);
        return new Signed(crypto.signature(timestamp, nonce, encrypt), timestamp, nonce, encrypt);
    }

    public String encrypt(String plaintext) {
        return crypto.encrypt(plaintext);
    }

    private @org.jspecify.annotations.Nullable JsonNode openReply(HttpResponse<String> response) {
        if (response.statusCode() != 200 || response.body().isEmpty()) {
            return null;
        }
        ReplyEnvelope envelope = ReplyEnvelope.parse(response.body());
        if (!crypto.verify(envelope.msgSignature(), envelope.timestamp(), envelope.nonce(), envelope.encrypt())) {
            throw new IllegalStateException("reply signature does not verify");
        }
        return WecomJson.readTree(crypto.decrypt(envelope.encrypt()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The signature parameters and ciphertext of one callback. */
    public record Signed(String msgSignature, String timestamp, String nonce, String encrypt) {

        public String query() {
            return "msg_signature=" + encode(msgSignature) + "&timestamp=" + encode(timestamp) + "&nonce=" + encode(nonce);
        }

        public Signed withSignature(String other) {
            return new Signed(other, timestamp, nonce, encrypt);
        }

        public Signed withTimestamp(String other) {
            return new Signed(msgSignature, other, nonce, encrypt);
        }

        public Signed withEncrypt(String other) {
            return new Signed(msgSignature, timestamp, nonce, other);
        }
    }
}
