package io.wecomrelay.responder.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.DeliveryRecorder;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.RelayEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replies nobody can receive any more are not queued. When a stream of a bot that delivers actively
 * finishes on a record whose message is older than the bot's {@link MaxReplyAge} (a replay, a consumer
 * group reset to old offsets, a backlog after an outage), the reply is recorded {@code SKIPPED} with
 * reason {@code TOO_OLD} on {@code wecom.deliveries}, counted per bot
 * ({@code relay.responder.deliveries.skipped{bot,reason=too_old}}) and not queued; nothing is dead-lettered, since
 * nothing failed. The age is counted from the event's {@link RelayEvent#messageReceivedAt() receive time}:
 * a chunk written before chunks carried it is dated by its own event time, which is never earlier.
 */
public final class TooOldReplies {

    /** Tag value of the counter. */
    static final String REASON = "too_old";

    private static final Logger log = LoggerFactory.getLogger(TooOldReplies.class);

    private final MaxReplyAge maxAge;
    private final DeliveryRecorder recorder;
    private final Clock clock;
    private final MeterRegistry meters;

    public TooOldReplies(MaxReplyAge maxAge, DeliveryRecorder recorder, Clock clock, MeterRegistry meters) {
        this.maxAge = maxAge;
        this.recorder = recorder;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * True, once the skip is on the broker, when {@code source} (a last chunk or a rejection) is too old for
     * its reply to be sent. Blocks: called on the listener's thread before the fold, like
     * {@link RateLimitNotices}; a failed record fails the Kafka record, which is retried (so a skip may be
     * recorded twice, never lost).
     */
    /**
     * Whether {@code source} is too old for its reply to be sent, without recording anything: for a streaming bot's
     * follow-up, which most replies never need (its reply was shown in the stream).
     */
    boolean expired(BotConfig bot, RelayEvent source) {
        return maxAge.tooOld(bot, source.messageReceivedAt(), clock.instant());
    }

    boolean skip(BotConfig bot, RelayEvent source) {
        Instant receivedAt = source.messageReceivedAt();
        Instant now = clock.instant();
        if (!maxAge.tooOld(bot, receivedAt, now)) {
            return false;
        }
        recorder.recordSkipped(source, bot, DeliveryFailure.TOO_OLD, maxAge.detail(bot)).block();
        meters.counter("relay.responder.deliveries.skipped", "bot", bot.id(), "reason", REASON).increment();
        log.info("reply not queued, too old for anyone to receive botId={} streamId={} age={} limit={}", bot.id(),
                source.streamId(), Duration.between(receivedAt, now), maxAge.of(bot));
        return true;
    }
}
