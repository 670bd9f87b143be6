package io.wecomrelay.support.bots;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;

/**
 * Bot ids for a log line, bounded: a bots file of a thousand bots must not write a line of tens of kilobytes on
 * every load, so a line names at most {@link #SHOWN} ids and counts the rest.
 */
final class BotIds {

    static final int SHOWN = 20;

    private BotIds() {
    }

    /** E.g. {@code 3 [a, b, c]} or {@code 1000 [b1, …, b20, +980 more]}. */
    static String of(BotRegistry registry) {
        List<String> ids = ids(registry);
        return ids.size() + " " + bounded(ids);
    }

    /** What a reload changed: ids added and removed (bounded), and how many bots it holds now. */
    static String change(BotRegistry before, BotRegistry after) {
        Set<String> old = new LinkedHashSet<>(ids(before));
        Set<String> fresh = new LinkedHashSet<>(ids(after));
        List<String> added = fresh.stream().filter(id -> !old.contains(id)).toList();
        List<String> removed = old.stream().filter(id -> !fresh.contains(id)).toList();
        return fresh.size() + " added=" + bounded(added) + " removed=" + bounded(removed);
    }

    static String bounded(Collection<String> ids) {
        List<String> shown = new ArrayList<>(ids.stream().limit(SHOWN).toList());
        if (ids.size() > SHOWN) {
            shown.add("+" + (ids.size() - SHOWN) + " more");
        }
        return shown.toString();
    }

    private static List<String> ids(BotRegistry registry) {
        return registry.all().stream().map(BotConfig::id).toList();
    }
}
