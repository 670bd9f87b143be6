package io.wecomrelay.schemas.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a bot talks to WeCom, and so how one of its messages reached the relay: the bots file's {@code connection}
 * and the channel recorded on every inbound message.
 */
public enum Channel {
    /** WeCom's signed, encrypted HTTPS callback to ingress; replies are polled (or posted actively). */
    CALLBACK,
    /** WeCom's long connection (WebSocket, 长连接) held by the connector; replies are pushed as stream frames. */
    LONG_CONNECTION;

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
