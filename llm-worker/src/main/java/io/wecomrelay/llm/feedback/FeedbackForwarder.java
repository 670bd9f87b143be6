package io.wecomrelay.llm.feedback;

import java.time.Duration;
import java.util.Locale;

import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.state.MessageStore;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Passes a WeCom {@code feedback_event} to Dify: the event's {@code id} is the stream id of the
 * rated reply, whose bot, Dify message and user were stored when the reply ended; then
 * {@code POST /messages/{message_id}/feedbacks} with {@code like}, {@code dislike} or {@code null}
 * (withdrawn) and the user's words. Only the bot that answered may rate its answer: a feedback whose
 * id names another bot's stream is dropped ({@link Outcome#FOREIGN}), because the id comes from a
 * callback that whoever holds one bot's credentials can sign, and each bot may have its own Dify app
 * and tenant. No chunk is published. Every failure (unknown stream, Redis, Dify) is logged with ids
 * only, counted, and swallowed: the returned Mono always completes, within {@code timeout}, so a
 * feedback never holds up its partition.
 */
public final class FeedbackForwarder {

    private static final Logger log = LoggerFactory.getLogger(FeedbackForwarder.class);

    /** How one feedback event ended. */
    public enum Outcome {
        /** Dify accepted it. */
        SENT,
        /** No stored message for the stream: too old, never answered successfully, or stored without its bot. */
        UNKNOWN_MESSAGE,
        /** The stream is another bot's answer: not passed on. */
        FOREIGN,
        /** The bots file does not know the bot. */
        UNKNOWN_BOT,
        /** Redis or Dify failed, or it took longer than the timeout. */
        FAILED;

        /** The metric tag, e.g. {@code unknown_message}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final BotSource bots;
    private final MessageStore messages;
    private final DifyClient dify;
    private final Duration timeout;
    private final FeedbackMetrics metrics;

    /** @param timeout longest handling of one feedback event, retries included */
    public FeedbackForwarder(BotSource bots, MessageStore messages, DifyClient dify, Duration timeout,
                             FeedbackMetrics metrics) {
        this.bots = bots;
        this.messages = messages;
        this.dify = dify;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    public Mono<Void> forward(MessageAccepted event, Input.Feedback feedback) {
        var bot = bots.find(event.botId());
        if (bot.isEmpty()) {
            report(event, feedback, Outcome.UNKNOWN_BOT, null);
            return Mono.empty();
        }
        return messages.find(feedback.feedbackId())
                .flatMap(message -> message.botId().equals(event.botId())
                        ? send(bot.get(), message, feedback).thenReturn(Outcome.SENT)
                        : foreign(event, feedback, message))
                .defaultIfEmpty(Outcome.UNKNOWN_MESSAGE)
                .timeout(timeout)
                .doOnNext(outcome -> report(event, feedback, outcome, null))
                .onErrorResume(e -> {
                    report(event, feedback, Outcome.FAILED, e);
                    return Mono.empty();
                })
                .then();
    }

    private static Mono<Outcome> foreign(MessageAccepted event, Input.Feedback feedback, MessageStore.DifyMessage message) {
        log.warn("feedback names another bot's stream botId={} owner={} streamId={}", event.botId(), message.botId(),
                feedback.feedbackId());
        return Mono.just(Outcome.FOREIGN);
    }

    private Mono<Void> send(BotConfig bot, MessageStore.DifyMessage message, Input.Feedback feedback) {
        String rating = switch (feedback.rating()) {
            case LIKE -> "like";
            case DISLIKE -> "dislike";
            case WITHDRAWN -> null;
        };
        return dify.feedback(bot.dify(), message.messageId(), rating, message.user(), feedback.content());
    }

    private void report(MessageAccepted event, Input.Feedback feedback, Outcome outcome, @Nullable Throwable error) {
        metrics.feedback(event.botId(), outcome);
        if (outcome == Outcome.SENT) {
            log.info("feedback sent botId={} streamId={} rating={}", event.botId(), feedback.feedbackId(),
                    feedback.rating());
        } else {
            log.warn("feedback not sent botId={} streamId={} outcome={} cause={}", event.botId(),
                    feedback.feedbackId(), outcome.tag(), describe(error));
        }
    }

    private static String describe(@Nullable Throwable error) {
        if (error == null) {
            return "-";
        }
        return error instanceof DifyApiException api ? api.status() + " " + api.code() : error.getClass().getSimpleName();
    }
}
