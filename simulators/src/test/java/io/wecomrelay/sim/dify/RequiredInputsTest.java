package io.wecomrelay.sim.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An app that declares required inputs and checks one of them, answered like Dify. */
class RequiredInputsTest {

    private static DifySimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = DifySimulator.start(DifySimulatorConfig.defaults().withCadence(1, Duration.ZERO));
        client = new SimClient(sim.baseUrl());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.reset();
    }

    @Test
    void aMissingOrBlankRequiredInputIsInvalidParam() {
        sim.requireInputs("asker", "department");
        var body = SimClient.chatBody("u1", "hi");
        body.putObject("inputs").put("asker", "zhang").put("department", " ");

        var response = client.chat(DifySimulatorConfig.DEFAULT_API_KEY, body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("code").asString()).isEqualTo("invalid_param");
        assertThat(response.json().path("message").asString()).isEqualTo("department is required in input form");
    }

    @Test
    void presentRequiredInputsStream() {
        sim.requireInputs("asker");
        var body = SimClient.chatBody("u1", "hi");
        body.putObject("inputs").put("asker", "zhang");

        var response = client.chat(DifySimulatorConfig.DEFAULT_API_KEY, body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.events()).extracting(e -> e.path("event").asString()).contains("message_end");
    }

    @Test
    void aCheckedInputThatIsTurnedDownIsUnauthorizedWithoutEchoingIt() {
        sim.checkInput("user_token", "good"::equals);
        var body = SimClient.chatBody("u1", "hi");
        body.putObject("inputs").put("user_token", "stale-secret");

        var response = client.chat(DifySimulatorConfig.DEFAULT_API_KEY, body);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().path("code").asString()).isEqualTo("unauthorized");
        assertThat(response.text()).doesNotContain("stale-secret");
        sim.reset();
        assertThat(client.chat(DifySimulatorConfig.DEFAULT_API_KEY, body).status()).as("reset forgets the rules")
                .isEqualTo(200);
    }
}
