package io.wecomrelay.schemas.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a message reached the relay, recorded on every inbound message: it decides how the message is read. */
public enum Channel {
    /** An AI bot's signed, encrypted JSON callback to ingress ({@code /wecom/callback/{botId}}). */
    CALLBACK,
    /** A self-built app's signed, encrypted XML callback to ingress ({@code /wecom/app/{botId}}). */
    APP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Channel> fromWire(String value) {
        return Arrays.stream(values()).filter(channel -> channel.wireName().equals(value)).findFirst();
    }

    @JsonCreator
    static Channel read(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown channel"));
    }
}
