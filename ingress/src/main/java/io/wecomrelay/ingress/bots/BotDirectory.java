package io.wecomrelay.ingress.bots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryException;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots ingress serves. The file is read at start (a bad file stops the start) and re-read by
 * {@link #reloadIfChanged()} when its modification time changes; a bad reload keeps the last good
 * registry and logs why.
 */
public final class BotDirectory {

    private static final Logger log = LoggerFactory.getLogger(BotDirectory.class);
    private static final String AI_BOT_RECEIVE_ID = "";

    private final Path file;
    private final BotRegistryLoader loader;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Map<String, Bot>> bots = new AtomicReference<>(Map.of());
    private volatile @Nullable FileTime loadedVersion;

    public BotDirectory(Path file, BotRegistryLoader loader) {
        this.file = file;
        this.loader = loader;
        FileTime version = modified();
        bots.set(build(loader.load(file)));
        loadedVersion = version;
        log.info("loaded bots file={} bots={}", file, bots.get().keySet());
    }

    public Optional<Bot> find(String botId) {
        return Optional.ofNullable(bots.get().get(botId));
    }

    public Map<String, Bot> all() {
        return bots.get();
    }

    /** @return true when a changed file was loaded */
    public boolean reloadIfChanged() {
        FileTime version = modified();
        if (version == null || version.equals(loadedVersion)) {
            return false;
        }
        try {
            Map<String, Bot> fresh = build(loader.load(file));
            bots.set(fresh);
            log.info("reloaded bots file={} bots={}", file, fresh.keySet());
            return true;
        } catch (BotRegistryException | IllegalArgumentException e) {
            log.warn("bots file={} changed but cannot be used; keeping the last good registry: {}", file, e.getMessage());
            return false;
        } finally {
            loadedVersion = version;
        }
    }

    private Map<String, Bot> build(BotRegistry registry) {
        var result = new LinkedHashMap<String, Bot>();
        for (BotConfig config : registry.all()) {
            var crypto = new WecomCrypto(config.token().reveal(), config.aesKey().reveal(), AI_BOT_RECEIVE_ID,
                    AesCbcEngines.defaultEngine(), random);
            result.put(config.id(), new Bot(config, crypto));
        }
        return Map.copyOf(result);
    }

    private @Nullable FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
