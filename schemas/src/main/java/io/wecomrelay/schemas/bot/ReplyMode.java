package io.wecomrelay.schemas.bot;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a bot's answers reach WeCom. */
public enum ReplyMode {
    /** Passive stream reply; WeCom polls refreshes that ingress answers from Redis. */
    PASSIVE_STREAM,
    /** As {@link #PASSIVE_STREAM}, with the bot's template card on the first reply. */
    STREAM_WITH_TEMPLATE_CARD,
    /** Empty passive reply; the responder posts the final answer to the message's response_url. */
    RESPONSE_URL,
    /** Empty passive reply; the responder posts the answer to the bot's group webhook. */
    WEBHOOK,
    /** A self-built app's: empty passive reply; the responder sends the answer with the app's {@code message/send}. */
    APP_MESSAGE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ReplyMode> fromWire(String value) {
        return Arrays.stream(values()).filter(m -> m.wireName().equals(value)).findFirst();
    }

    /** True when WeCom polls the stream, i.e. the reply is shown through refresh answers. */
    public boolean streams() {
        return this == PASSIVE_STREAM || this == STREAM_WITH_TEMPLATE_CARD;
    }
}
