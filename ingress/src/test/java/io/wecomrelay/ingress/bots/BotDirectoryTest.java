package io.wecomrelay.ingress.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.wecomrelay.schemas.bot.BotRegistryException;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class BotDirectoryTest {

    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    @TempDir
    Path dir;

    @Test
    void reloadsAChangedFileWithoutARestart() throws Exception {
        Path file = write(bot("bot-a"), 1);
        var bots = new BotDirectory(file, new BotRegistryLoader(name -> null));

        write(bot("bot-a") + bot("bot-b"), 2);

        assertThat(bots.reloadIfChanged()).isTrue();
        assertThat(bots.find("bot-b")).isPresent();
        assertThat(bots.reloadIfChanged()).isFalse(); // unchanged file: nothing to do
    }

    @Test
    void aBadEditKeepsTheLastGoodRegistry() throws Exception {
        Path file = write(bot("bot-a"), 1);
        var bots = new BotDirectory(file, new BotRegistryLoader(name -> null));

        write(bot("bot-a").replace(KEY, "short"), 2);

        assertThat(bots.reloadIfChanged()).isFalse();
        assertThat(bots.find("bot-a")).isPresent();
    }

    @Test
    void aReloadThatCannotBeParsedLogsWhereButNeverTheLine() throws Exception {
        Path file = write(bot("bot-a"), 1);
        var bots = new BotDirectory(file, new BotRegistryLoader(name -> null));
        var logged = new ListAppender<ILoggingEvent>();
        Logger logger = (Logger) LoggerFactory.getLogger(BotDirectory.class);
        logger.addAppender(logged);
        logged.start();
        try {
            write(bot("bot-a").replace("aes-key: " + KEY, "aes-key: \"" + KEY), 2); // an unterminated quote

            assertThat(bots.reloadIfChanged()).isFalse();
        } finally {
            logger.detachAppender(logged);
        }

        assertThat(logged.list).singleElement().satisfies(event -> {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            assertThat(text).contains("line 4");
            for (int i = 0; i + 6 <= KEY.length(); i++) {
                assertThat(text).doesNotContain(KEY.substring(i, i + 6));
            }
        });
    }

    @Test
    void aBadFileStopsTheStart() throws Exception {
        Path file = write("bots: [", 1);

        assertThatThrownBy(() -> new BotDirectory(file, new BotRegistryLoader(name -> null)))
                .isInstanceOf(BotRegistryException.class);
    }

    private Path write(String entries, int version) throws Exception {
        Path file = dir.resolve("bots.yaml");
        Files.writeString(file, entries.startsWith("bots:") ? entries : "bots:\n" + entries);
        // distinct modification times even on file systems with coarse timestamps
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
        return file;
    }

    private static String bot(String id) {
        return """
                  - id: %s
                    token: QDG6eK
                    aes-key: %s
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: app-x, allow-insecure-http: true }
                """.formatted(id, KEY);
    }
}
