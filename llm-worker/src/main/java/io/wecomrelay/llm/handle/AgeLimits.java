package io.wecomrelay.llm.handle;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.wecomrelay.schemas.bot.ReplyMode;
import org.jspecify.annotations.Nullable;

/**
 * How old an accepted message may be and still be answered. Past its limit nobody can receive the reply,
 * so the worker skips the message without calling Dify: a replay, a consumer group reset to old offsets,
 * a backlog after a long outage. A streaming bot's reply is seen only through WeCom's refresh polls, which
 * end with the stream window (ingress finishes a stream still open then); a {@code response_url} or
 * webhook bot's reply is delivered by the responder only while the message is younger than its maximum
 * reply age. Ages are counted from the message's {@code receivedAt}.
 *
 * @param streamWindow       {@code passive_stream} and {@code stream_with_template_card} bots; the same as
 *                           ingress's {@code relay.ingress.stream-window}
 * @param maxReplyAge        {@code response_url} bots; the same as the responder's {@code delivery.max-reply-age}
 * @param maxWebhookReplyAge {@code webhook} bots and self-built apps; the same as the responder's
 *                           {@code delivery.max-webhook-reply-age}
 */
public record AgeLimits(Duration streamWindow, Duration maxReplyAge, Duration maxWebhookReplyAge) {

    public AgeLimits {
        for (Duration limit : new Duration[] {streamWindow, maxReplyAge, maxWebhookReplyAge}) {
            if (Objects.requireNonNull(limit, "limit").isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("age limits must be positive: " + limit);
            }
        }
    }

    /** @param maxWebhookReplyAge null means {@code maxReplyAge}, as in the responder */
    public static AgeLimits of(Duration streamWindow, Duration maxReplyAge, @Nullable Duration maxWebhookReplyAge) {
        return new AgeLimits(streamWindow, maxReplyAge, maxWebhookReplyAge != null ? maxWebhookReplyAge : maxReplyAge);
    }

    /** The age past which nobody can receive a reply of a bot with this mode. */
    public Duration of(ReplyMode mode) {
        return switch (mode) {
            case PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> streamWindow;
            case RESPONSE_URL -> maxReplyAge;
            case WEBHOOK, APP_MESSAGE -> maxWebhookReplyAge;
        };
    }

    /** True when a message received at {@code receivedAt} is older than the limit of {@code mode} at {@code now}. */
    public boolean tooOld(ReplyMode mode, Instant receivedAt, Instant now) {
        return receivedAt.plus(of(mode)).isBefore(now);
    }
}
