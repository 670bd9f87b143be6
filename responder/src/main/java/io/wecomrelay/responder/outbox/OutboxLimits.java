package io.wecomrelay.responder.outbox;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.DeliveryFailure;
import org.jspecify.annotations.Nullable;

/**
 * Bounds of one bot's outbox, applied when the lease holder takes a job that no earlier run started.
 * A job that breaks one is given up: recorded {@code FAILED} with the reason, dead-lettered and
 * acknowledged, so the bot's next job comes next.
 *
 * @param maxAge         a job whose message arrived longer ago than this is not sent ({@link DeliveryFailure#JOB_EXPIRED})
 * @param maxDepthPerBot while the outbox holds more jobs than this, its oldest job is not sent
 *                       ({@link DeliveryFailure#OUTBOX_FULL}): the newest replies are the ones worth sending
 */
public record OutboxLimits(MaxReplyAge maxAge, int maxDepthPerBot) {

    public OutboxLimits {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxDepthPerBot < 1) {
            throw new IllegalArgumentException("max-depth-per-bot must be positive");
        }
    }

    /**
     * @param created when the job's message arrived
     * @param backlog jobs in the bot's outbox, this one included
     * @return why the job is given up instead of sent; empty when it is sent
     */
    Optional<DeliveryFailure> judge(BotConfig bot, @Nullable Instant created, long backlog, Instant now) {
        if (created != null && maxAge.tooOld(bot, created, now)) {
            return Optional.of(DeliveryFailure.JOB_EXPIRED);
        }
        if (backlog > maxDepthPerBot) {
            return Optional.of(DeliveryFailure.OUTBOX_FULL);
        }
        return Optional.empty();
    }

    /** The detail recorded with a given-up job. */
    String detail(BotConfig bot, DeliveryFailure failure) {
        return failure == DeliveryFailure.JOB_EXPIRED ? maxAge.detail(bot)
                : "outbox deeper than max-depth-per-bot " + maxDepthPerBot;
    }
}
