package io.wecomrelay.sim.wecom;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.wecomrelay.schemas.wecom.app.AppEnvelope;
import io.wecomrelay.schemas.wecom.app.Cdata;
import io.wecomrelay.schemas.wecom.app.SafeXml;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.sim.wecom.WecomClient.Signed;
import tools.jackson.databind.node.ObjectNode;

/**
 * Talks to a self-built app's callback URL as WeCom does: the message XML encrypted with the CorpID as receive id,
 * wrapped in the XML envelope ({@code ToUserName}, {@code AgentID}, {@code Encrypt}), the signature in the query
 * string. Builds the messages and events WeCom sends ({@link #text}, {@link #event}). Thread-safe.
 */
public final class AppClient {

    private final URI callbackUrl;
    private final String corpId;
    private final int agentId;
    private final WecomCrypto crypto;
    private final HttpClient http;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AppClient(URI callbackUrl, String token, String encodingAesKey, String corpId, int agentId, HttpClient http,
                     Clock clock) {
        this.callbackUrl = callbackUrl;
        this.corpId = corpId;
        this.agentId = agentId;
        this.crypto = new WecomCrypto(token, encodingAesKey, corpId, AesCbcEngines.defaultEngine(), random);
        this.http = http;
        this.clock = clock;
    }

    public static AppClient create(URI callbackUrl, String token, String encodingAesKey, String corpId, int agentId) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        return new AppClient(callbackUrl, token, encodingAesKey, corpId, agentId, http, Clock.systemUTC());
    }

    /** A text message from {@code user}, as decrypted XML. */
    public String text(String user, long msgId, String content) {
        return message(user, "text", "<Content>" + Cdata.of(content) + "</Content><MsgId>" + msgId + "</MsgId>");
    }

    /** An event ({@code subscribe}, {@code enter_agent}, {@code click}, ...) from {@code user}, as decrypted XML. */
    public String event(String user, String event, String eventKey) {
        return message(user, "event", "<Event>" + Cdata.of(event) + "</Event><EventKey>" + Cdata.of(eventKey) + "</EventKey>");
    }

    /** A message of any type: {@code elements} are the type's own (e.g. {@code <PicUrl>..</PicUrl><MediaId>..</MediaId>}). */
    public String message(String user, String msgType, String elements) {
        return "<xml><ToUserName>" + Cdata.of(corpId) + "</ToUserName><FromUserName>" + Cdata.of(user)
                + "</FromUserName><CreateTime>" + clock.instant().getEpochSecond() + "</CreateTime><MsgType>"
                + Cdata.of(msgType) + "</MsgType>" + elements + "<AgentID>" + agentId + "</AgentID></xml>";
    }

    /** Encrypts, signs and posts one decrypted XML message; answers the HTTP status and body. */
    public CompletableFuture<HttpResponse<String>> send(String xml) {
        return sendRaw(sign(crypto.encrypt(xml)));
    }

    /** Posts a callback whose signature parameters a test controls (hostile-input tests). */
    public CompletableFuture<HttpResponse<String>> sendRaw(Signed signed) {
        return sendBody(signed.query(), new AppEnvelope(corpId, Integer.toString(agentId), signed.encrypt()).toXml());
    }

    /** Posts any body to the callback URL with the given query (hostile-input tests: bombs, broken XML). */
    public CompletableFuture<HttpResponse<String>> sendBody(String query, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(callbackUrl + "?" + query))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** URL verification: an encrypted echostr; answers what the server echoed, or fails on a status other than 200. */
    public CompletableFuture<String> verifyUrl(String echo) {
        return WecomClient.verifyUrl(http, callbackUrl, sign(crypto.encrypt(echo)));
    }

    /**
     * The decrypted XML of a passive reply (the body of a 200), after checking its signature as WeCom does.
     *
     * @throws IllegalStateException when the signature does not verify
     */
    public String openReply(String body) {
        ObjectNode reply = SafeXml.read(body.getBytes(StandardCharsets.UTF_8));
        String encrypt = reply.path("Encrypt").asString("");
        if (!crypto.verify(reply.path("MsgSignature").asString(null), reply.path("TimeStamp").asString(null),
                reply.path("Nonce").asString(null), encrypt)) {
            throw new IllegalStateException("reply signature does not verify");
        }
        return crypto.decrypt(encrypt);
    }

    /** Signs a ciphertext like WeCom, with a fresh timestamp and nonce. */
    public Signed sign(String encrypt) {
        return WecomClient.sign(crypto, clock, random, encrypt);
    }

    public String encrypt(String plaintextXml) {
        return crypto.encrypt(plaintextXml);
    }
}
