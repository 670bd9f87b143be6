package io.wecomrelay.cli;

import java.time.Clock;

import io.wecomrelay.cli.output.ExitCodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors exit 2 before anything reaches Kafka; --help works on every command. */
class CliUsageTest {

    private static final Clock CLOCK = Clock.systemUTC();

    @ParameterizedTest
    @ValueSource(strings = {"", "message", "conversation", "dlt", "dlt list", "dlt show", "dlt redrive", "topics",
            "topics check", "topics create", "bots", "bots validate", "replay", "entitlements", "entitlements list",
            "entitlements grant", "entitlements revoke"})
    void everyCommandHasHelp(String command) {
        String[] words = command.isEmpty() ? new String[0] : command.split(" ");
        String[] args = java.util.Arrays.copyOf(words, words.length + 1);
        args[words.length] = "--help";

        Cli.Result result = Cli.run(CLOCK, args);

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("Usage: relay");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "conversation --since 24h",                                  // no --bot
            "conversation --bot b --since 24h --from 2026-11-21",         // both kinds of range
            "conversation --bot b --user u --chat c --since 1h",          // user and chat
            "conversation --bot b",                                        // no range
            "message --msgid m",                                           // msgid without bot
            "message --bot b",                                             // neither msgid nor stream
            "message --stream tooShort",
            "replay --from 2026-11-21",                                    // no --bots
            "replay --bots x.yaml --from yesterday",                      // not a time
            "dlt redrive wecom.inbound",                                   // not a dead-letter topic
            "nonsense",
            "conversation --bot b --since 24h --format xml"})
    void usageErrorsExitTwo(String command) {
        Cli.Result result = Cli.run(CLOCK, command.split(" "));

        assertThat(result.code()).as(result.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void anUnreachableBrokerExitsThree() {
        Cli.Result result = Cli.run(CLOCK, "topics", "check", "--bootstrap-servers", "127.0.0.1:1", "--request-timeout", "2s");

        assertThat(result.code()).as(result.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
    }
}
