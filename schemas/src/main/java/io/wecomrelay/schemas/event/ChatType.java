package io.wecomrelay.schemas.event;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** WeCom's {@code chattype}: a one-to-one chat with the bot or a group chat that @-mentioned it. */
public enum ChatType {
    SINGLE, GROUP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ChatType fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
