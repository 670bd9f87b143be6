package io.wecomrelay.ingress.bots;

import java.util.Objects;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;

/** A configured bot with the crypto built from its credentials (built once per registry load). */
public record Bot(BotConfig config, WecomCrypto crypto) {

    public Bot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(crypto, "crypto");
    }

    public String id() {
        return config.id();
    }
}
