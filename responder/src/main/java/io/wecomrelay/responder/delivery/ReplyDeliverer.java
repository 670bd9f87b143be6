package io.wecomrelay.responder.delivery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import io.wecomrelay.responder.delivery.DeliveryRecorder.PartAttempt;
import io.wecomrelay.responder.materialize.FinishedReply;
import io.wecomrelay.responder.text.ContentCap;
import io.wecomrelay.responder.text.MarkdownSplitter;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delivers one finished reply: one markdown POST to the message's {@code response_url}, or the reply
 * split into parts of at most {@value #WEBHOOK_MAX_BYTES} bytes posted in order to the bot's group
 * webhook. Each send first takes a rate-limit permit; transient failures are retried per
 * {@link RetryPolicy}; a permanent failure or exhausted retries stop the remaining parts and send the
 * reply to the dead-letter topic. Every attempt is recorded.
 */
public final class ReplyDeliverer {

    /** WeCom's limit for webhook {@code markdown.content}. */
    public static final int WEBHOOK_MAX_BYTES = 4_096;
    /** WeCom's limit for response_url {@code markdown.content}. */
    public static final int RESPONSE_URL_MAX_BYTES = StreamStateKeys.MAX_CONTENT_BYTES;

    private final WeComClient client;
    private final RateLimiter limiter;
    private final DeliveryRecorder recorder;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final Settings settings;

    /**
     * @param retry               retries of transient failures
     * @param responseUrlLifetime how long after the message a response_url is still tried
     * @param truncatedNote       appended where a reply is cut to fit
     */
    public record Settings(RetryPolicy retry, Duration responseUrlLifetime, String truncatedNote) {
    }

    public ReplyDeliverer(WeComClient client, RateLimiter limiter, DeliveryRecorder recorder, DeadLetters deadLetters,
                          Clock clock, Settings settings) {
        this.client = client;
        this.limiter = limiter;
        this.recorder = recorder;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.settings = settings;
    }

    /** Completes when the reply was delivered or dead-lettered; never errors. */
    public Mono<Void> deliver(FinishedReply reply, BotConfig bot) {
        return switch (bot.replyMode()) {
            case RESPONSE_URL -> toResponseUrl(reply);
            case WEBHOOK -> toWebhook(reply, bot.webhookKey());
            case PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> Mono.empty();
        };
    }

    private Mono<Void> toResponseUrl(FinishedReply reply) {
        String url = reply.route().responseUrl();
        if (url == null || url.isBlank()) {
            return refuse(reply, DeliveryChannel.RESPONSE_URL, "message carried no response_url");
        }
        Instant created = reply.created();
        if (created != null && created.plus(settings.responseUrlLifetime()).isBefore(clock.instant())) {
            return refuse(reply, DeliveryChannel.RESPONSE_URL, "response_url expired");
        }
        URI target = URI.create(url);
        String content = ContentCap.cap(reply.content(), RESPONSE_URL_MAX_BYTES, settings.truncatedNote());
        return sendParts(reply, DeliveryChannel.RESPONSE_URL, List.of(content), text -> client.toResponseUrl(target, text));
    }

    private Mono<Void> toWebhook(FinishedReply reply, @Nullable Secret key) {
        if (key == null) {
            return refuse(reply, DeliveryChannel.WEBHOOK, "bot has no webhook key");
        }
        List<String> parts = MarkdownSplitter.split(reply.content(), WEBHOOK_MAX_BYTES);
        return sendParts(reply, DeliveryChannel.WEBHOOK, parts, text -> client.toWebhook(key, text));
    }

    private Mono<Void> sendParts(FinishedReply reply, DeliveryChannel channel, List<String> parts,
                                 Function<String, Mono<SendResult>> send) {
        if (reply.content().isBlank()) {
            return refuse(reply, channel, "empty reply");
        }
        return Flux.range(0, parts.size())
                .concatMap(i -> sendPart(reply, new PartAttempt(channel, i + 1, parts.size(), 1), parts.get(i), send))
                .takeUntil(delivered -> !delivered)
                .then();
    }

    private Mono<Boolean> sendPart(FinishedReply reply, PartAttempt attempt, String text,
                                   Function<String, Mono<SendResult>> send) {
        return limiter.acquire(reply.botId())
                .then(Mono.defer(() -> send.apply(text)))
                .flatMap(result -> {
                    if (result.kind() == SendResult.Kind.DELIVERED) {
                        return recorder.record(reply, attempt, DeliveryOutcome.DELIVERED, result).thenReturn(true);
                    }
                    if (result.kind() == SendResult.Kind.TRANSIENT && settings.retry().allowsAnotherAfter(attempt.attempt())) {
                        return recorder.record(reply, attempt, DeliveryOutcome.RETRYING, result)
                                .then(Mono.delay(settings.retry().backoff(attempt.attempt())))
                                .then(Mono.defer(() -> sendPart(reply, attempt.next(), text, send)));
                    }
                    String reason = (result.kind() == SendResult.Kind.TRANSIENT ? "retries exhausted: " : "permanent: ")
                            + result.detail();
                    return recorder.record(reply, attempt, DeliveryOutcome.FAILED, result)
                            .then(deadLetters.undeliverable(reply, attempt.channel(), reason, result.errcode()))
                            .thenReturn(false);
                });
    }

    /** A reply that cannot even be attempted: recorded as failed part 1 and dead-lettered. */
    private Mono<Void> refuse(FinishedReply reply, DeliveryChannel channel, String reason) {
        var result = new SendResult(SendResult.Kind.PERMANENT, null, reason);
        return recorder.record(reply, new PartAttempt(channel, 1, 1, 1), DeliveryOutcome.FAILED, result)
                .then(deadLetters.undeliverable(reply, channel, reason, null));
    }
}
