package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomClient.Signed;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every class of bad input gets a 4xx, one count under its reason and no published event; thousands of
 * mutated callbacks never produce a 5xx, and good callbacks still work afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "relay.ingress.max-body-size=8KB")
class HostileInputTest {

    static final String BOT = "ingress-hostile-bot";
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    final HttpClient http = HttpClient.newHttpClient();

    WecomClient client;

    @BeforeEach
    void connect() {
        client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
    }

    /** One hostile request, built from a good signed callback (and its plaintext) that carries a fresh message id. */
    @FunctionalInterface
    interface Attack {
        int send(HostileInputTest test, Signed good, String plaintext) throws Exception;
    }

    static Stream<Arguments> hostileRequests() {
        return Stream.of(
                hostile("bad-signature", 401, (test, good, plaintext) -> test.client.sendRaw(good.withSignature("0".repeat(40))).get().status()),
                hostile("missing-parameter", 400, (test, good, plaintext) -> test.post(good.query().replace("nonce=", "nonce_x="), envelope(good.encrypt()))),
                hostile("stale-timestamp", 400, (test, good, plaintext) -> test.client.sendRaw(test.client.sign(test.client.encrypt(plaintext))
                        .withTimestamp("1400000000")).get().status()),
                hostile("bad-base64", 400, (test, good, plaintext) -> test.sendSigned("@@@not*base64@@@")),
                hostile("bad-ciphertext", 400, (test, good, plaintext) -> test.sendSigned(Base64.getEncoder().encodeToString(new byte[20]))),
                hostile("bad-ciphertext", 400, (test, good, plaintext) -> test.sendSigned(encryptRaw(withPadding(new byte[48], 0)))),
                hostile("bad-frame", 400, (test, good, plaintext) -> test.sendSigned(encryptRaw(frame(plaintext.getBytes(StandardCharsets.UTF_8), 100_000, "")))),
                hostile("receive-id-mismatch", 400, (test, good, plaintext) -> test.sendSigned(encryptRaw(
                        frame(plaintext.getBytes(StandardCharsets.UTF_8), -1, "wx5823bf96d3bd56c7")))),
                hostile("malformed-message", 400, (test, good, plaintext) -> test.sendSigned(test.client.encrypt("not json at all"))),
                hostile("malformed-message", 400, (test, good, plaintext) -> test.sendSigned(test.client.encrypt("{\"msgtype\":\"text\"}"))),
                hostile("malformed-envelope", 400, (test, good, plaintext) -> test.post(good.query(), "{\"encrypt\": 42}")),
                hostile("body-too-large", 413, (test, good, plaintext) -> test.post(good.query(), "x".repeat(20_000))),
                hostile("wrong-content-type", 415, (test, good, plaintext) -> test.postWithType(good.query(), envelope(good.encrypt()),
                        "application/x-www-form-urlencoded")));
    }

    private static Arguments hostile(String reason, int status, Attack attack) {
        return Arguments.of(reason, status, attack);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("hostileRequests")
    void aHostileRequestIsRefusedAndCountedOnceUnderItsReasonAndNothingIsPublished(String reason, int status, Attack attack)
            throws Exception {
        String prefix = "hostile-" + UUID.randomUUID();
        String plaintext = WecomJson.write(WecomMessages.text(BOT, prefix, "mallory", null, "x"));
        Signed good = client.sign(client.encrypt(plaintext));
        double before = rejections(reason);

        assertThat(attack.send(this, good, plaintext)).as(reason).isEqualTo(status);

        await().atMost(WAIT).untilAsserted(() -> assertThat(rejections(reason)).as(reason).isEqualTo(before + 1));
        assertOnlyTheSentinelIsPublished(prefix);
    }

    @Test
    void thousandsOfMutatedCallbacksNeverCauseA5xxOrAPublish() throws Exception {
        String prefix = "fuzz-" + UUID.randomUUID();
        String plaintext = WecomJson.write(WecomMessages.text(BOT, prefix, "mallory", null, "fuzz"));
        Signed good = client.sign(client.encrypt(plaintext));
        String body = envelope(good.encrypt());
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            String m;
            int status = switch (i % 4) {
                case 0 -> post(good.query(), m = mutate(body, random));
                case 1 -> client.sendRaw(good.withEncrypt(m = mutate(good.encrypt(), random))).get().status();
                case 2 -> client.sendRaw(good.withSignature(m = mutate(good.msgSignature(), random))).get().status();
                default -> post(m = mutate(good.query(), random), body);
            };
            assertThat(status).as("mutation %d: %s", i, m).isBetween(400, 499);
        }
        assertOnlyTheSentinelIsPublished(prefix);
    }

    /** Publishing is ordered per partition, so once the good sentinel is there, anything hostile would be too. */
    private void assertOnlyTheSentinelIsPublished(String hostilePrefix) throws Exception {
        String sentinel = "sentinel-" + UUID.randomUUID();
        assertThat(client.send(WecomMessages.text(BOT, sentinel, "alice", null, "good")).get().status()).isEqualTo(200);
        var ids = IngressTestSupport.publishedUntil(BOT, sentinel, Duration.ofSeconds(20)).stream().map(e -> e.message().msgId()).toList();
        assertThat(ids).contains(sentinel).noneMatch(id -> id.startsWith(hostilePrefix));
    }

    private double rejections(String reason) {
        return meters.find("relay.ingress.rejections").tag("reason", reason).counters().stream().mapToDouble(Counter::count).sum();
    }

    private int sendSigned(String encrypt) throws Exception {
        return client.sendRaw(client.sign(encrypt)).get().status();
    }

    // URL-safe so that every mutation still makes a valid request line; '+' and '=' still disturb base64 and queries.
    private static final String SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.";

    private static String mutate(String text, Random random) {
        String mutated;
        do {
            mutated = edit(text, random);
        } while (mutated.equals(text)); // a second edit at the same place can undo the first: that is the good request
        return mutated;
    }

    private static String edit(String text, Random random) {
        if (text.isEmpty()) {
            return "x";
        }
        char[] chars = text.toCharArray();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(chars.length);
            char replacement;
            do {
                replacement = SAFE.charAt(random.nextInt(SAFE.length()));
            } while (replacement == chars[at]);
            chars[at] = replacement;
        }
        return random.nextInt(10) == 0 ? new String(chars, 0, random.nextInt(chars.length)) : new String(chars);
    }

    /** random(16) | length | msg | receiveId, where length -1 means the real length. */
    private static byte[] frame(byte[] msg, int length, String receiveId) {
        byte[] id = receiveId.getBytes(StandardCharsets.UTF_8);
        var buffer = java.nio.ByteBuffer.allocate(20 + msg.length + id.length);
        buffer.put(new byte[16]).putInt(length < 0 ? msg.length : length).put(msg).put(id);
        int pad = 32 - buffer.capacity() % 32;
        byte[] padded = java.util.Arrays.copyOf(buffer.array(), buffer.capacity() + pad);
        java.util.Arrays.fill(padded, buffer.capacity(), padded.length, (byte) pad);
        return padded;
    }

    private static byte[] withPadding(byte[] block, int padByte) {
        block[block.length - 1] = (byte) padByte;
        return block;
    }

    private static String encryptRaw(byte[] padded) {
        byte[] key = Base64.getDecoder().decode(IngressTestSupport.AES_KEY + "=");
        byte[] iv = java.util.Arrays.copyOf(key, 16);
        return Base64.getEncoder().encodeToString(AesCbcEngines.jca().encrypt(key, iv, padded));
    }

    private int post(String query, String body) throws Exception {
        return postWithType(query, body, "application/json");
    }

    private int postWithType(String query, String body, String type) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT + "?" + query.replace(" ", "%20"));
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String envelope(String encrypt) {
        return "{\"encrypt\":\"" + encrypt + "\"}";
    }
}
