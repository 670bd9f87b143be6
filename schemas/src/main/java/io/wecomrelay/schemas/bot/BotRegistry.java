package io.wecomrelay.schemas.bot;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable snapshot of all configured bots, by bot id. Reloading builds a new registry. */
public final class BotRegistry implements BotSource {

    private final Map<String, BotConfig> byId;

    public BotRegistry(List<BotConfig> bots) {
        var map = new LinkedHashMap<String, BotConfig>();
        for (BotConfig bot : bots) {
            if (map.putIfAbsent(bot.id(), bot) != null) {
                throw new IllegalArgumentException("duplicate bot id " + bot.id());
            }
        }
        this.byId = java.util.Collections.unmodifiableMap(map);
    }

    /** This registry: a snapshot never changes. */
    @Override
    public BotRegistry current() {
        return this;
    }

    @Override
    public Optional<BotConfig> find(String botId) {
        return Optional.ofNullable(byId.get(botId));
    }

    @Override
    public Collection<BotConfig> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }

    @Override
    public String toString() {
        return "BotRegistry" + byId.keySet();
    }
}
