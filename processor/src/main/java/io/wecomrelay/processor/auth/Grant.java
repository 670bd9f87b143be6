package io.wecomrelay.processor.auth;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Permission to use one bot, or every bot.
 *
 * @param bot   a bot id, or {@code *} for every bot
 * @param until the instant the grant ends (exclusive), or null for no end
 */
public record Grant(String bot, @Nullable Instant until) {

    public static final String EVERY_BOT = "*";

    public Grant {
        Objects.requireNonNull(bot, "bot");
    }

    boolean covers(String botId) {
        return bot.equals(EVERY_BOT) || bot.equals(botId);
    }

    boolean validAt(long timestampMs) {
        return until == null || timestampMs < until.toEpochMilli();
    }
}
