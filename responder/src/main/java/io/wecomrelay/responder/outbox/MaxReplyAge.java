package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.ReplyMode;

/**
 * How old a message may be for its reply still to be delivered actively, counted from when ingress
 * accepted it. Applied twice: when the reply's stream finishes (an older one is never queued, see
 * {@link TooOldReplies}) and when its job comes up in the outbox ({@link OutboxLimits}).
 *
 * @param responseUrl {@code response_url} bots ({@code delivery.max-reply-age}, by default the response_url's lifetime)
 * @param webhook     {@code webhook} bots and self-built apps, whose messages WeCom takes at any time
 *                    ({@code delivery.max-webhook-reply-age}, by default the same)
 */
public record MaxReplyAge(Duration responseUrl, Duration webhook) {

    public MaxReplyAge {
        for (Duration age : new Duration[] {responseUrl, webhook}) {
            if (Objects.requireNonNull(age, "age").isNegative() || age.isZero()) {
                throw new IllegalArgumentException("max-reply-age and max-webhook-reply-age must be positive: " + age);
            }
        }
    }

    /** The limit of the bot's channel. */
    public Duration of(BotConfig bot) {
        return anyTime(bot) ? webhook : responseUrl;
    }

    private static boolean anyTime(BotConfig bot) {
        return bot.replyMode() == ReplyMode.WEBHOOK || bot.replyMode() == ReplyMode.APP_MESSAGE;
    }

    /** True when a message received at {@code receivedAt} is past the bot's limit at {@code now}. */
    boolean tooOld(BotConfig bot, Instant receivedAt, Instant now) {
        return receivedAt.plus(of(bot)).isBefore(now);
    }

    /** The detail recorded with a reply not sent for its age. */
    String detail(BotConfig bot) {
        return "message older than " + (anyTime(bot) ? "max-webhook-reply-age " : "max-reply-age ")
                + of(bot);
    }
}
