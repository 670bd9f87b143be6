package io.wecomrelay.sim.wecom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line alone: none of these reaches the network. */
class ChatCommandTest {

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ChatCommand chat = new ChatCommand(new PrintStream(console, true, StandardCharsets.UTF_8));

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpPrintsTheUsageAndSendsNothing(String help) throws Exception {
        int code = chat.run(new String[] {"--url", "http://127.0.0.1:9/wecom/callback/b", "--bot", "b", "--token", "t",
                "--aes-key", "k", help});

        assertThat(code).isZero();
        assertThat(output()).startsWith("usage: chat").doesNotContain("url verification");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--no-such-option", "stray", "--text"})
    void anUnknownOptionOrAMissingValueIsTheUsageAndExitCode2(String wrong) throws Exception {
        int code = chat.run(new String[] {"--url", "http://127.0.0.1:9/wecom/callback/b", "--bot", "b", "--token", "t",
                "--aes-key", "k", wrong});

        assertThat(code).isEqualTo(2);
        assertThat(output()).contains("usage: chat").doesNotContain("url verification");
    }

    private String output() {
        return console.toString(StandardCharsets.UTF_8);
    }
}
