package io.wecomrelay.ingress.bots;

import java.util.Objects;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;

/**
 * A configured bot with the crypto built from its credentials (built once per registry load).
 *
 * @param policyVersion the config's {@link BotConfig#policyVersion()}, taken once: every message records it, and asking
 *                      the config for it looks its policy up by record equality each time
 */
public record Bot(BotConfig config, WecomCrypto crypto, String policyVersion) {

    public Bot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(policyVersion, "policyVersion");
    }

    public Bot(BotConfig config, WecomCrypto crypto) {
        this(config, crypto, config.policyVersion());
    }

    public String id() {
        return config.id();
    }
}
