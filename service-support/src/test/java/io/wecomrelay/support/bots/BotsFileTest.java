package io.wecomrelay.support.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryException;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class BotsFileTest {

    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String DIFY_KEY = "app-secret-value-42";

    @TempDir
    Path dir;

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Every ${DIFY_KEY} the loader resolves: one per bot and parse, so it counts parses. */
    final AtomicInteger lookups = new AtomicInteger();
    final BotRegistryLoader loader = new BotRegistryLoader(name -> {
        lookups.incrementAndGet();
        return Map.of("DIFY_KEY", DIFY_KEY).get(name);
    });
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Path file;
    int version;

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(BotsFile.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(BotsFile.class)).detachAppender(logs);
    }

    @Test
    void aChangedFileIsLoadedAndCountedAndAnUnchangedOneIsNotParsedAgain() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        var seen = new ArrayList<BotRegistry>();
        bots.onReload(seen::add);

        write(bot("bot-a", "response_url") + bot("bot-b", "passive_stream"));

        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.find("bot-b")).isPresent();
        assertThat(bots.find("bot-a").map(BotConfig::replyMode).map(Enum::name)).contains("RESPONSE_URL");
        assertThat(seen).containsExactly(bots.current());
        assertThat(reloads("ok")).isEqualTo(1.0);
        int parsed = lookups.get();
        assertThat(bots.reloadIfChanged()).isFalse();
        assertThat(lookups.get()).as("an unchanged file is not parsed").isEqualTo(parsed);
        assertThat(messages()).contains("reloaded bots file=" + file + " bots=2 added=[bot-b] removed=[]");
    }

    @Test
    void aRemovedBotIsGone() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream") + bot("bot-b", "passive_stream")), loader, meters);

        write(bot("bot-a", "passive_stream"));

        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.current().all()).extracting(BotConfig::id).containsExactly("bot-a");
        assertThat(bots.find("bot-b")).isEmpty();
    }

    @Test
    void badEditsKeepTheLastGoodRegistryAndSayWhyWithoutTheirContent() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        BotRegistry good = bots.current();
        var badEdits = List.of(
                "bots: [ {id: bot-a, token: " + DIFY_KEY + "\n",                                 // YAML
                bot("bot-a", "passive_stream").replace("${DIFY_KEY}", "${NOT_SET_ANYWHERE}"),   // environment
                bot("bot-a", "passive_stream").replace(KEY, "short-" + DIFY_KEY),               // invalid bot
                bot("bot-a", "passive_stream") + bot("bot-a", "webhook"));                        // duplicate

        for (String edit : badEdits) {
            write(edit);
            assertThat(bots.reloadIfChanged()).as(edit).isFalse();
            assertThat(bots.current()).as(edit).isSameAs(good);
        }

        assertThat(reloads("failed")).isEqualTo(badEdits.size());
        assertThat(reloads("ok")).isZero();
        var warnings = messages().stream().filter(line -> line.contains("cannot be used")).toList();
        assertThat(warnings).hasSize(badEdits.size()).allSatisfy(line -> assertThat(line)
                .contains("keeping the last good registry bots=1 [bot-a]")
                .doesNotContain(DIFY_KEY).doesNotContain("short-"));
        assertThat(warnings.get(1)).contains("NOT_SET_ANYWHERE");
    }

    @Test
    void aBadEditIsReportedOnceAndAGoodOneAfterItIsLoaded() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        write("bots: [");

        bots.reloadIfChanged();
        bots.reloadIfChanged();
        assertThat(reloads("failed")).isEqualTo(1.0);

        write(bot("bot-a", "passive_stream") + bot("bot-c", "passive_stream"));
        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.find("bot-c")).isPresent();
    }

    @Test
    void aFileThatDisappearsKeepsTheRegistryUntilItIsBack() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);

        Files.delete(file);
        assertThat(bots.reloadIfChanged()).isFalse();
        assertThat(bots.find("bot-a")).isPresent();

        write(bot("bot-a", "passive_stream") + bot("bot-b", "passive_stream"));
        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.find("bot-b")).isPresent();
    }

    @Test
    void aFileReplacedWithTheSameTimeAndSizeIsStillSeenAsChanged() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        FileTime time = Files.getLastModifiedTime(file);
        Path replacement = dir.resolve("next.yaml");
        Files.writeString(replacement, "bots:\n" + bot("bot-z", "passive_stream"));
        Files.setLastModifiedTime(replacement, time);

        Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.find("bot-z")).isPresent();
    }

    @Test
    void aMissingBotIdChecksTheFileAtOnce() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        assertThat(bots.find("bot-new")).isEmpty();

        write(bot("bot-a", "passive_stream") + bot("bot-new", "webhook"));

        assertThat(bots.find("bot-new")).isPresent();
        assertThat(reloads("ok")).isEqualTo(1.0);
    }

    @Test
    void aFailingListenerDoesNotUndoTheReload() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        bots.onReload(registry -> {
            throw new IllegalStateException("listener broke");
        });

        write(bot("bot-b", "passive_stream"));

        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.find("bot-b")).isPresent();
    }

    @Test
    void aFileThatCannotBeUsedAtStartStopsTheStart() throws Exception {
        write(bot("bot-a", "passive_stream").replace("${DIFY_KEY}", "${NOT_SET_ANYWHERE}"));

        assertThatThrownBy(() -> BotsFile.load(file, loader, meters))
                .isInstanceOf(BotRegistryException.class).hasMessageContaining("NOT_SET_ANYWHERE");
    }

    @Test
    void theWatcherLoadsAChangeOnItsOwn() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);
        try (var watcher = BotsFileWatcher.start(bots, Duration.ofMillis(20))) {
            write(bot("bot-a", "passive_stream") + bot("bot-b", "passive_stream"));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bots.current().find("bot-b")).isPresent());
        }
        // once or twice: the watcher may look between writing the file and setting its time
        assertThat(reloads("ok")).isBetween(1.0, 2.0);
    }

    @Test
    void theWatcherNeedsAPositiveInterval() throws Exception {
        var bots = BotsFile.load(write(bot("bot-a", "passive_stream")), loader, meters);

        assertThatThrownBy(() -> BotsFileWatcher.start(bots, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private double reloads(String outcome) {
        return meters.get(BotsFile.RELOADS).tag("outcome", outcome).counter().count();
    }

    @Test
    void aLargeFileIsLoggedBoundedNamingWhatAReloadAddedAndRemoved() throws Exception {
        var many = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            many.append(bot("bot-" + i, "passive_stream"));
        }
        var bots = BotsFile.load(write(many.toString()), loader, meters);
        write(many.toString().replace("id: bot-7\n", "id: bot-new\n"));
        assertThat(bots.reloadIfChanged()).isTrue();

        assertThat(messages()).anySatisfy(line -> assertThat(line)
                .startsWith("loaded bots file=" + file + " bots=1000 [bot-0, bot-1,")
                .endsWith(", bot-19, +980 more]"));
        assertThat(messages()).contains("reloaded bots file=" + file + " bots=1000 added=[bot-new] removed=[bot-7]");
        assertThat(messages()).allSatisfy(line -> assertThat(line.length()).isLessThan(600));
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Writes the file with a modification time of its own, even on file systems with coarse timestamps. */
    private Path write(String entries) throws Exception {
        file = dir.resolve("bots.yaml");
        Files.writeString(file, entries.startsWith("bots:") ? entries : "bots:\n" + entries);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(++version)));
        return file;
    }

    private static String bot(String id, String replyMode) {
        return """
                  - id: %s
                    token: QDG6eK
                    aes-key: %s
                    reply-mode: %s
                    webhook-key: k
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: "${DIFY_KEY}", allow-insecure-http: true }
                """.formatted(id, KEY, replyMode);
    }
}
