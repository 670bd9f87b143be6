package io.wecomrelay.schemas.bot;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The {@code msgtype} a self-built app's replies are sent as. */
public enum AppMessageFormat {
    /** {@code text}: shown in WeCom and in the WeChat plugin; markdown stays as typed. */
    TEXT,
    /** {@code markdown}: WeCom's subset, rendered in WeCom's client only (the WeChat plugin does not show it). */
    MARKDOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AppMessageFormat> fromWire(String value) {
        return Arrays.stream(values()).filter(f -> f.wireName().equals(value)).findFirst();
    }
}
