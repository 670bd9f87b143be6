package io.wecomrelay.cli.topics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.wecomrelay.cli.Cli;
import io.wecomrelay.cli.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code relay topics}, {@code relay bots validate} and {@code relay entitlements} against the real broker. */
class TopicsAndBotsTest {

    private static final Clock CLOCK = Clock.systemUTC();

    @Test
    void createdTopicsPassTheCheckAndADeploymentsOwnPartitionsAreADifference() {
        Pipeline.topics();

        Cli.Result check = Cli.onBroker(CLOCK, 2, "topics", "check");
        Cli.Result differing = Cli.onBroker(CLOCK, 2, "topics", "check", "--partitions", "wecom.inbound=12", "--format", "jsonl");

        assertThat(check.code()).as(check.out()).isZero();
        assertThat(check.out()).contains("wecom.entitlements", "compact", "wecom.inbound.dlt");
        assertThat(differing.code()).isEqualTo(1);
        assertThat(differing.lines()).filteredOn(line -> line.path("topic").asString().equals("wecom.inbound"))
                .singleElement().satisfies(line -> assertThat(line.path("status").asString()).isEqualTo("partitions 6"));
    }

    @Test
    void theBotsFileIsValidatedByTheServicesLoader(@TempDir Path dir) throws Exception {
        Path good = Path.of(getClass().getResource("/bots.yaml").toURI());
        Path bad = dir.resolve("bots.yaml");
        Files.writeString(bad, Files.readString(good).replace("aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n    dify: { base-url: http://dify.test/v1, api-key: app-b",
                "aes-key: short\n    dify: { base-url: http://dify.test/v1, api-key: app-b"));

        Cli.Result valid = Cli.run(CLOCK, "bots", "validate", good.toString());
        Cli.Result invalid = Cli.run(CLOCK, "bots", "validate", bad.toString());

        assertThat(valid.code()).isZero();
        assertThat(valid.out()).contains("bot-strict");
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).contains("bot 'bot-b'", "aes-key").doesNotContain("short");
    }

    @Test
    void grantsAreWrittenListedAndRevoked() {
        Pipeline.topics();
        String user = "user-" + UUID.randomUUID();
        Clock now = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), java.time.ZoneOffset.UTC);

        assertThat(Cli.onBroker(now, 2, "entitlements", "grant", "--user", user, "--bot", "bot-a").code()).isZero();
        assertThat(Cli.onBroker(now, 2, "entitlements", "grant", "--user", user, "--bot", "bot-b", "--until", "2026-11-01").code()).isZero();
        Cli.Result listed = Cli.onBroker(now, 2, "entitlements", "list", "--user", user, "--format", "jsonl");
        assertThat(Cli.onBroker(now, 2, "entitlements", "revoke", "--user", user, "--bot", "bot-a").code()).isZero();
        Cli.Result afterRevoke = Cli.onBroker(now, 2, "entitlements", "list", "--user", user, "--format", "jsonl");
        assertThat(Cli.onBroker(now, 2, "entitlements", "revoke", "--user", user).code()).isZero();

        assertThat(listed.lines()).extracting(line -> line.path("bot").asString() + " " + line.path("state").asString())
                .containsExactlyInAnyOrder("bot-a valid", "bot-b expired");
        assertThat(afterRevoke.lines()).extracting(line -> line.path("bot").asString()).containsExactly("bot-b");
        assertThat(Cli.onBroker(now, 2, "entitlements", "list", "--user", user).code()).isEqualTo(1);
    }
}
