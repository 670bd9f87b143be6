package io.wecomrelay.sim.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AuthServiceSimulatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AuthServiceSimulator auth = AuthServiceSimulator.start("auth-key");
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        auth.close();
    }

    private HttpResponse<String> ask(String user, String key) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(auth.url()))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"bot_id\":\"b1\",\"user_id\":\"" + user + "\"}")).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issuesTokensThatExpireOnRequest() throws Exception {
        var response = ask("zhang", "auth-key");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        String token = body.path("token").asString();
        assertThat(body.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(auth.isValid(token)).isTrue();
        auth.expireTokens();
        assertThat(auth.isValid(token)).isFalse();
        assertThat(auth.calls("zhang")).isEqualTo(1);
    }

    @Test
    void refusesUsersAndWrongKeysAndCanBeDown() throws Exception {
        auth.refuse("li", "not_employee");

        var refused = ask("li", "auth-key");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("reason").asString()).isEqualTo("not_employee");
        assertThat(ask("zhang", "wrong").statusCode()).isEqualTo(401);
        auth.down(true);
        assertThat(ask("zhang", "auth-key").statusCode()).isEqualTo(503);
    }
}
