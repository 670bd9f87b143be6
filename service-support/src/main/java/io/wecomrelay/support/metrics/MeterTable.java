package io.wecomrelay.support.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Meters by two tag values (a hop and a bot, a bot and an outcome), each registered once by the factory given here.
 * Both keys must come from bounded sets (the bots file, a few outcomes): the table never forgets a meter, as the
 * registry does not.
 *
 * <p>Why not one map by a joined key, or {@code computeIfAbsent} alone: a joined key is a string built and hashed on
 * every record, and a {@code computeIfAbsent} whose lambda captures the tag values allocates that lambda on every
 * call. Here a look-up of a known meter is two {@code get}s and allocates nothing.
 *
 * @param <M> the meter type
 */
public final class MeterTable<M> {

    private final BiFunction<String, String, M> factory;
    private final Map<String, Map<String, M>> meters = new ConcurrentHashMap<>();

    public MeterTable(BiFunction<String, String, M> factory) {
        this.factory = factory;
    }

    public M get(String first, String second) {
        Map<String, M> bySecond = meters.get(first);
        M meter = bySecond == null ? null : bySecond.get(second);
        if (meter != null) {
            return meter;
        }
        return meters.computeIfAbsent(first, key -> new ConcurrentHashMap<>())
                .computeIfAbsent(second, key -> factory.apply(first, key));
    }
}
