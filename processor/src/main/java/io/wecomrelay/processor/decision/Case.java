package io.wecomrelay.processor.decision;

import java.util.Objects;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.MessageReceived;
import org.jspecify.annotations.Nullable;

/**
 * One inbound message on its way through the rules. The first rule that decides sets
 * {@code ruling}; later rules pass a decided case on untouched, so every message gets exactly one
 * ruling. Lives only inside the topology (never serialized).
 *
 * @param received the inbound event
 * @param bot      the bot's configuration, or null when the bots file does not know the bot id
 * @param ruling   null until a rule decides
 */
public record Case(MessageReceived received, @Nullable BotConfig bot, @Nullable Ruling ruling) {

    /** Recorded as the policy version of decisions about bots the bots file does not know. */
    public static final String NO_POLICY = "none";

    public Case {
        Objects.requireNonNull(received, "received");
    }

    public static Case open(MessageReceived received, @Nullable BotConfig bot) {
        return new Case(received, bot, null);
    }

    public boolean decided() {
        return ruling != null;
    }

    /** This case decided by {@code decision}; a case is decided once only. */
    public Case decide(Ruling decision) {
        if (ruling != null) {
            throw new IllegalStateException("already decided by " + ruling.rule());
        }
        return new Case(received, bot, decision);
    }

    /** The bot's policy version, or {@link #NO_POLICY} when the bot is unknown. */
    public String policyVersion() {
        return bot == null ? NO_POLICY : bot.policyVersion();
    }
}
