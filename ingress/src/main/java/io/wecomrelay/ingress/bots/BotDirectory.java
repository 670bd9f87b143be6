package io.wecomrelay.ingress.bots;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;

/**
 * The bots ingress serves, each with its crypto, built once per registry: when the source's registry
 * changes (the bots file was reloaded) the next lookup builds them again. Lookups only read the
 * source's current registry and never touch the file: they run on the event loop, and an unknown bot id
 * is what anyone on the internet can send.
 */
public final class BotDirectory {

    private static final String AI_BOT_RECEIVE_ID = "";

    private final BotSource source;
    private final SecureRandom random = new SecureRandom();
    private volatile Built built;

    public BotDirectory(BotSource source) {
        this.source = source;
        this.built = build(source.current());
    }

    public Optional<Bot> find(String botId) {
        return Optional.ofNullable(all().get(botId));
    }

    Map<String, Bot> all() {
        BotRegistry registry = source.current();
        Built seen = built;
        if (seen.registry() != registry) {
            // two threads may both build after a reload; either result is right
            seen = build(registry);
            built = seen;
        }
        return seen.bots();
    }

    private Built build(BotRegistry registry) {
        var bots = new LinkedHashMap<String, Bot>();
        for (BotConfig config : registry.all()) {
            if (config.longConnection()) {
                continue; // the connector's socket carries its messages; a callback for it is one for an unknown bot
            }
            // a self-built app's ciphertexts end with its CorpID, an AI bot's with nothing
            String receiveId = config.isApp() ? config.app().corpId() : AI_BOT_RECEIVE_ID;
            var crypto = new WecomCrypto(config.token().reveal(), config.aesKey().reveal(), receiveId,
                    AesCbcEngines.defaultEngine(), random);
            bots.put(config.id(), new Bot(config, crypto));
        }
        return new Built(registry, Map.copyOf(bots));
    }

    /** The bots of one registry. */
    private record Built(BotRegistry registry, Map<String, Bot> bots) {
    }
}
