package io.wecomrelay.support.bots;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A service that declares its bots file settings gets the file and its watcher; one that does not gets neither. */
class BotsFileAutoConfigurationTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BotsFileAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void theSettingsGiveTheFileAndAWatcherThatLoadsAChangeAndCountsIt() throws Exception {
        Path file = write(bot("bot-a"), 1);
        contexts.withBean(BotsFileSettings.class, () -> new BotsFileSettings(file, Duration.ofMillis(20))).run(context -> {
            assertThat(context).hasSingleBean(BotsFileWatcher.class).hasBean("botsFile");
            BotsFile bots = context.getBean(BotsFile.class);
            assertThat(bots.current().all()).extracting(BotConfig::id).containsExactly("bot-a");

            write(bot("bot-a") + bot("bot-b"), 2);

            // the reload is counted after the registry is published, on the watcher's thread: wait for the count
            var reloads = context.getBean(MeterRegistry.class).get(BotsFile.RELOADS).tag("outcome", "ok").counter();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (reloads.count() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(reloads.count()).isGreaterThanOrEqualTo(1.0);
            assertThat(bots.current().find("bot-b")).as("loaded by the watcher, not by a lookup").isPresent();
        });
    }

    @Test
    void withoutSettingsThereIsNoBotsFile() {
        contexts.run(context -> assertThat(context).doesNotHaveBean(BotsFile.class).doesNotHaveBean(BotsFileWatcher.class));
    }

    @Test
    void aFileThatCannotBeUsedStopsTheStart() {
        Path missing = dir.resolve("missing.yaml");
        contexts.withBean(BotsFileSettings.class, () -> new BotsFileSettings(missing, Duration.ofSeconds(2)))
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("cannot read bots file"));
    }

    @Test
    void aZeroIntervalStopsTheStart() throws Exception {
        Path file = write(bot("bot-a"), 1);
        contexts.withBean(BotsFileSettings.class, () -> new BotsFileSettings(file, Duration.ZERO))
                .run(context -> assertThat(context).hasFailed().getFailure().hasRootCauseInstanceOf(IllegalArgumentException.class)
                        .hasStackTraceContaining("interval must be positive"));
    }

    /** Writes the file with a modification time of its own, even on file systems with coarse timestamps. */
    private Path write(String entries, int version) throws Exception {
        Path file = dir.resolve("bots.yaml");
        Files.writeString(file, "bots:\n" + entries);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
        return file;
    }

    private static String bot(String id) {
        return """
                  - id: %s
                    token: QDG6eK
                    aes-key: %s
                    reply-mode: passive_stream
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: app-k, allow-insecure-http: true }
                """.formatted(id, BotsFileTest.KEY);
    }
}
