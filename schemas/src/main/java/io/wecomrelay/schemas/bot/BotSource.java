package io.wecomrelay.schemas.bot;

import java.util.Collection;
import java.util.Optional;

/**
 * Where a service looks its bots up. A {@link BotRegistry} is a fixed snapshot of the bots file; the
 * services are wired with one that follows the file as it changes, so every lookup sees the registry of
 * the moment it is made.
 */
@FunctionalInterface
public interface BotSource {

    /** The registry now. Keep the returned snapshot where several lookups must agree with each other. */
    BotRegistry current();

    default Optional<BotConfig> find(String botId) {
        return current().find(botId);
    }

    /** The bot's {@link BotConfig#policyVersion()} now, or {@link BotConfig#NO_POLICY} for a bot the file does not know. */
    default String policyVersion(String botId) {
        return find(botId).map(BotConfig::policyVersion).orElse(BotConfig.NO_POLICY);
    }

    default Collection<BotConfig> all() {
        return current().all();
    }
}
