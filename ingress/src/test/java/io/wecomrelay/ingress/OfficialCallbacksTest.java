package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Callbacks encrypted and signed by WeCom's official {@code @wecom/crypto} (schemas test fixtures),
 * one per message and event type, sent byte for byte as WeCom would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "relay.ingress.timestamp-tolerance=3650d") // the fixtures carry a fixed 2025 timestamp
class OfficialCallbacksTest {

    static final JsonNode FIXTURES = load();
    static final String BOT = "aibFixtureBot0001";
    static final Path BOTS = IngressTestSupport.botsFile("""
              - id: %s
                token: %s
                aes-key: %s
                welcome: 欢迎
                dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
            """.formatted(BOT, FIXTURES.path("bot").path("token").asString(), FIXTURES.path("bot").path("encodingAesKey").asString()));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final WecomCrypto crypto = new WecomCrypto(FIXTURES.path("bot").path("token").asString(),
            FIXTURES.path("bot").path("encodingAesKey").asString(), "", AesCbcEngines.defaultEngine(), new java.security.SecureRandom());

    static Stream<JsonNode> cases() {
        return FIXTURES.path("cases").valueStream();
    }

    @Test
    void urlVerificationMatchesTheOfficialExpectation() throws Exception {
        JsonNode verification = FIXTURES.path("urlVerification");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(verification.path("query"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(verification.path("expectedResponse").asString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCallbackTypeIsAcceptedAndAnswered(JsonNode fixture) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(fixture.path("query")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(fixture.path("body").asString())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode plaintext = WecomJson.readTree(fixture.path("plaintext").asString());
        String type = fixture.path("msgtype").asString();
        if (type.equals("stream")) {
            assertThat(reply(response).path("stream").path("id").asString()).isEqualTo(plaintext.path("stream").path("id").asString());
            return;
        }
        String msgId = plaintext.path("msgid").asString();
        List<MessageReceived> published = IngressTestSupport.publishedUntil(BOT, msgId, Duration.ofSeconds(20)).stream()
                .filter(e -> e.message().msgId().equals(msgId)).toList();
        assertThat(published).isNotEmpty();
        assertThat(published.get(0).message().body()).isEqualTo(plaintext);
        switch (fixture.path("name").asString()) {
            case "enter-chat" -> assertThat(reply(response).path("text").path("content").asString()).isEqualTo("欢迎");
            case "template-card-event", "feedback-event", "unknown-msgtype" -> assertThat(response.body()).isEmpty();
            default -> assertThat(reply(response).path("msgtype").asString()).isEqualTo("stream");
        }
    }

    private JsonNode reply(HttpResponse<String> response) {
        ReplyEnvelope envelope = ReplyEnvelope.parse(response.body());
        assertThat(crypto.verify(envelope.msgSignature(), envelope.timestamp(), envelope.nonce(), envelope.encrypt())).isTrue();
        return WecomJson.readTree(crypto.decrypt(envelope.encrypt()));
    }

    private URI uri(JsonNode query) {
        var text = new StringBuilder("http://127.0.0.1:" + port + "/wecom/callback/" + BOT + "?");
        query.properties().forEach(e -> text.append(e.getKey()).append('=')
                .append(URLEncoder.encode(e.getValue().asString(), StandardCharsets.UTF_8)).append('&'));
        return URI.create(text.toString());
    }

    private static JsonNode load() {
        try (InputStream in = RelayEvent.class.getResourceAsStream("/wecom-fixtures/callbacks.json")) {
            return WecomJson.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
