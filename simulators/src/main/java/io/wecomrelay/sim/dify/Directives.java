package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads {@code [sim:...]} directives from the query text. A directive holds items separated by
 * commas or spaces: a scenario name ({@code error-mid}) or a setting ({@code deltas=3},
 * {@code delay-ms=10}, {@code pause-ms=500}, {@code ping-ms=100}). Several directives may appear;
 * later items win. Unknown items are rejected so that a typo does not silently run NORMAL.
 */
final class Directives {

    private static final Pattern DIRECTIVE = Pattern.compile("\\[sim:([^\\]]*)]");
    private static final Pattern SEPARATOR = Pattern.compile("[,\\s]+");

    private Directives() {
    }

    static StreamSettings apply(String query, StreamSettings base) {
        var settings = base;
        var matcher = DIRECTIVE.matcher(query);
        while (matcher.find()) {
            for (var item : SEPARATOR.split(matcher.group(1).trim())) {
                if (!item.isEmpty()) {
                    settings = applyItem(item.toLowerCase(Locale.ROOT), settings);
                }
            }
        }
        return settings;
    }

    private static StreamSettings applyItem(String item, StreamSettings settings) {
        var equals = item.indexOf('=');
        if (equals < 0) {
            return Scenario.fromDirective(item)
                    .map(settings::withScenario)
                    .orElseThrow(() -> rejected("unknown scenario '" + item + "'"));
        }
        var key = item.substring(0, equals);
        var value = parse(item, item.substring(equals + 1));
        return switch (key) {
            case "deltas" -> settings.withDeltaCount(atLeast(1, value, item));
            case "delay-ms" -> settings.withDeltaDelay(Duration.ofMillis(atLeast(0, value, item)));
            case "pause-ms" -> settings.withPause(Duration.ofMillis(atLeast(0, value, item)));
            case "ping-ms" -> settings.withPingInterval(Duration.ofMillis(atLeast(1, value, item)));
            default -> throw rejected("unknown setting '" + key + "'");
        };
    }

    private static int parse(String item, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw rejected("'" + item + "' needs an integer");
        }
    }

    private static int atLeast(int min, int value, String item) {
        if (value < min) throw rejected("'" + item + "' must be at least " + min);
        return value;
    }

    private static ApiErrorException rejected(String why) {
        return new ApiErrorException(ApiError.invalidParam("dify-sim directive: " + why));
    }
}
