package io.wecomrelay.llm.handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.wecomrelay.llm.feedback.FeedbackForwarder;
import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.input.Inputs;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The first step of handling an accepted message: decides where it goes. A message gets a reply stream
 * ({@link AttemptPublisher}), unless it is older than its bot's {@link AgeLimits}: then nobody could receive
 * the reply, and it is skipped without a Dify call, a chunk or a Redis write (counted, {@link Skips}). A
 * {@code feedback_event} goes to Dify's feedback API and publishes nothing; other events are skipped. The
 * Mono {@link #route} returns completes when the record's offset may be committed and fails only when the
 * message must be redone (Kafka failed during a reply, or Redis before Dify was called), or with
 * {@code ReplyRefusedException} when Kafka refused its reply for good and it is to be dead-lettered.
 */
public final class AcceptedMessageRouter {

    private static final Logger log = LoggerFactory.getLogger(AcceptedMessageRouter.class);

    private final Inputs inputs;
    private final AttemptPublisher attempts;
    private final FeedbackForwarder feedback;
    private final BotSource bots;
    private final AgeLimits ages;
    private final Clock clock;
    private final Skips skips;

    public AcceptedMessageRouter(Inputs inputs, AttemptPublisher attempts, FeedbackForwarder feedback, BotSource bots,
                                  AgeLimits ages, Clock clock, Skips skips) {
        this.inputs = inputs;
        this.attempts = attempts;
        this.feedback = feedback;
        this.bots = bots;
        this.ages = ages;
        this.clock = clock;
        this.skips = skips;
    }

    /** Counts messages handled without a reply, per bot. */
    public interface Skips {
        /** Tag value of a message older than its bot's {@link AgeLimits}. */
        String TOO_OLD = "too_old";

        void skipped(String botId, String reason);
    }

    /** @param traceId the trace id header of the record, or the event's own */
    public Mono<Void> route(MessageAccepted message, String traceId) {
        Input input = inputs.read(message);
        if (input instanceof Input.Ignored ignored) {
            log.info("no reply for {} streamId={}", ignored.why(), message.streamId());
            return Mono.empty();
        }
        if (input instanceof Input.Feedback rated) {
            return feedback.forward(message, rated);
        }
        if (tooOld(message)) {
            skips.skipped(message.botId(), Skips.TOO_OLD);
            return Mono.empty();
        }
        return attempts.publish(message, input, traceId);
    }

    /**
     * Whether nobody could receive this message's reply any more. A reset command is skipped too: forgetting
     * the conversation a day later would cut off the one the user has now. An unknown bot's message is not
     * (its reply is one chunk with a sentence, no Dify call).
     */
    private boolean tooOld(MessageAccepted message) {
        @Nullable ReplyMode mode = bots.find(message.botId()).map(BotConfig::replyMode).orElse(null);
        Instant now = clock.instant();
        if (mode == null || !ages.tooOld(mode, message.receivedAt(), now)) {
            return false;
        }
        log.info("skipped, too old for anyone to receive the reply streamId={} botId={} replyMode={} age={} limit={}",
                message.streamId(), message.botId(), mode.wireName(), Duration.between(message.receivedAt(), now),
                ages.of(mode));
        return true;
    }
}
