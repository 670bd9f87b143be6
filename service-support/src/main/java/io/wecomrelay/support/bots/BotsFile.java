package io.wecomrelay.support.bots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryException;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.bot.BotSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots file as every service sees it: loaded at start (a file that cannot be used stops the start)
 * and loaded again by {@link #reloadIfChanged()} when its modification time, size or identity changed.
 * A changed file that cannot be used keeps the last good registry. {@link BotsFileWatcher} calls it on
 * a schedule; {@link #find} also calls it when a bot id is missing, so a bot just added is found before
 * the next scheduled check.
 *
 * <p>Counts {@code relay.bots.reload{outcome=ok|failed}}; logs how many bots every registry it publishes holds, the
 * ids added and removed (at most {@link BotIds#SHOWN} of each) and why a changed file was refused, never a value
 * from the file.
 */
public final class BotsFile implements BotSource {

    public static final String RELOADS = "relay.bots.reload";

    private static final Logger log = LoggerFactory.getLogger(BotsFile.class);

    private final Path file;
    private final BotRegistryLoader loader;
    private final Counter reloaded;
    private final Counter refused;
    private final List<Consumer<BotRegistry>> listeners = new CopyOnWriteArrayList<>();
    private volatile BotRegistry current;
    private FileVersion checked;

    private BotsFile(Path file, BotRegistryLoader loader, MeterRegistry meters, BotRegistry first, FileVersion version) {
        this.file = file;
        this.loader = loader;
        this.current = first;
        this.checked = version;
        this.reloaded = reloads(meters, "ok");
        this.refused = reloads(meters, "failed");
    }

    /** @throws BotRegistryException when the file cannot be read or used: the service must not start */
    public static BotsFile load(Path file, BotRegistryLoader loader, MeterRegistry meters) {
        // the version before the content: a change made while reading is seen by the next check
        FileVersion version = FileVersion.of(file);
        BotRegistry first = loader.load(file);
        log.info("loaded bots file={} bots={}", file, BotIds.of(first));
        return new BotsFile(file, loader, meters, first, version);
    }

    @Override
    public BotRegistry current() {
        return current;
    }

    /** A missing bot id checks the file at once (a stat; the file is parsed only when it changed). */
    @Override
    public Optional<BotConfig> find(String botId) {
        Optional<BotConfig> bot = current.find(botId);
        if (bot.isPresent() || !reloadIfChanged()) {
            return bot;
        }
        return current.find(botId);
    }

    /**
     * Runs {@code listener} with every registry published after this call, on the thread that loaded it
     * and after {@link #current()} returns it. A listener that throws is logged and does not undo the reload.
     */
    public void onReload(Consumer<BotRegistry> listener) {
        listeners.add(listener);
    }

    /** @return true when a changed file was loaded and is now {@link #current()} */
    public synchronized boolean reloadIfChanged() {
        FileVersion version = FileVersion.of(file);
        if (version.equals(checked)) {
            return false;
        }
        // remembered even when the content is refused: a bad file is reported once, not on every check
        checked = version;
        BotRegistry fresh;
        try {
            fresh = loader.load(file);
        } catch (RuntimeException e) {
            refused.increment();
            log.warn("bots file={} changed but cannot be used; keeping the last good registry bots={}: {}", file,
                    BotIds.of(current), reason(e));
            return false;
        }
        BotRegistry before = current;
        current = fresh;
        log.info("reloaded bots file={} bots={}", file, BotIds.change(before, fresh));
        listeners.forEach(listener -> tell(listener, fresh));
        // counted last: a count seen means the listeners are done too
        reloaded.increment();
        return true;
    }

    private static void tell(Consumer<BotRegistry> listener, BotRegistry registry) {
        try {
            listener.accept(registry);
        } catch (RuntimeException e) {
            log.error("a reload listener failed after the bots file was reloaded: {}", e.getClass().getName());
        }
    }

    /** The loader's messages name the bot and the field and never a value; other exceptions might. */
    private static String reason(RuntimeException e) {
        return e instanceof BotRegistryException ? String.valueOf(e.getMessage()) : e.getClass().getName();
    }

    private static Counter reloads(MeterRegistry meters, String outcome) {
        return Counter.builder(RELOADS).tag("outcome", outcome)
                .description("Loads of a changed bots file; failed ones kept the last good registry")
                .register(meters);
    }

    /** The fields that tell a changed file from the one loaded; {@code ABSENT} while it cannot be read. */
    private record FileVersion(@Nullable Object modified, long size, @Nullable Object identity) {

        static final FileVersion ABSENT = new FileVersion(null, -1, null);

        static FileVersion of(Path file) {
            try {
                var attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileVersion(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return ABSENT;
            }
        }
    }
}
