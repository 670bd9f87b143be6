package io.wecomrelay.schemas.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a message reached the relay, recorded on every inbound message (it decides how the message is read and how its
 * reply leaves), and for AI bots the bots file's {@code connection}.
 */
public enum Channel {
    /** An AI bot's signed, encrypted JSON callback to ingress ({@code /wecom/callback/{botId}}); replies are polled (or posted actively). */
    CALLBACK,
    /** An AI bot's long connection (WebSocket, 长连接) held by the connector; replies are pushed as stream frames. */
    LONG_CONNECTION,
    /** A self-built app's signed, encrypted XML callback to ingress ({@code /wecom/app/{botId}}); replies by message/send. */
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
