package io.wecomrelay.responder.delivery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import io.wecomrelay.responder.delivery.DeliveryRecorder.PartAttempt;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.outbound.OutboundVerdict;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delivers one finished reply: one markdown POST to the message's {@code response_url}, or the reply
 * split into parts of at most {@value #WEBHOOK_MAX_BYTES} bytes posted in order to the bot's group
 * webhook, followed by one {@code image} message per image the worker attached ({@link AttachedImages}), or a
 * self-built app's parts followed by its images ({@link AppImages}). A response_url the outbound policy refuses is
 * given up before anything else. Each send
 * first takes a rate-limit permit and asks the {@link DeliveryRun} whether it may still send; transient
 * failures are retried per {@link RetryPolicy}; a permanent failure, exhausted retries or an expired
 * response_url stop the remaining parts and send the reply to the dead-letter topic. Every attempt is
 * recorded, a given-up reply with its {@link DeliveryFailure}; parts an earlier run of the same job
 * already sent are not sent again.
 */
public final class ReplyDeliverer {

    /** WeCom's limit for webhook {@code markdown.content}. */
    public static final int WEBHOOK_MAX_BYTES = 4_096;
    /** WeCom's limit for a self-built app's {@code text.content} and {@code markdown.content} (longer is cut off). */
    public static final int APP_MESSAGE_MAX_BYTES = 2_048;
    /** WeCom's limit for response_url {@code markdown.content}. */
    public static final int RESPONSE_URL_MAX_BYTES = StreamStateKeys.MAX_CONTENT_BYTES;

    private static final Logger log = LoggerFactory.getLogger(ReplyDeliverer.class);
    private static final SendResult RECOVERED = new SendResult(SendResult.Kind.DELIVERED, 0, "ok (recorded after a restart)");

    private final WeComReplySender sender;
    private final AppMessageSender appSender;
    private final SendRateLimiter limiter;
    private final DeliveryRecorder recorder;
    private final UndeliverableReplies undeliverable;
    private final AttachedImages images;
    private final AppImages appImages;
    private final KeptRests rests;
    private final Clock clock;
    private final Settings settings;

    /**
     * @param retry               retries of transient failures
     * @param responseUrlLifetime how long after the message a response_url is still tried
     * @param truncatedNote       appended where a reply is cut to fit
     * @param continuedNote       ends a stream whose answer goes on in other messages (as the fold wrote it): where
     *                            the rest of a streaming bot's answer starts
     */
    public record Settings(RetryPolicy retry, Duration responseUrlLifetime, String truncatedNote, String continuedNote) {
    }

    public ReplyDeliverer(WeComReplySender sender, AppMessageSender appSender, SendRateLimiter limiter,
                          DeliveryRecorder recorder, UndeliverableReplies undeliverable, AttachedImages images,
                          KeptRests rests, Clock clock, Settings settings) {
        this.sender = sender;
        this.appSender = appSender;
        this.limiter = limiter;
        this.recorder = recorder;
        this.undeliverable = undeliverable;
        this.images = images;
        this.appImages = new AppImages(appSender.uploader(), images, settings.retry());
        this.rests = rests;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Completes with {@code DELIVERED} or {@code FAILED} once that outcome is recorded (and a failed reply
     * dead-lettered); errors when the run must stop without an outcome (lease lost, broker unreachable).
     */
    public Mono<DeliveryOutcome> deliver(FinishedReply reply, BotConfig bot, DeliveryRun run) {
        return switch (bot.replyMode()) {
            case RESPONSE_URL -> toResponseUrl(reply, reply.content(), run);
            case WEBHOOK -> toWebhook(reply, bot.webhookKey(), run);
            case APP_MESSAGE -> toApp(reply, bot, run);
            case PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> restToResponseUrl(reply, bot, run);
        };
    }

    /**
     * Gives a reply up without trying it (the outbox's limits): recorded {@code FAILED} with the reason and
     * dead-lettered, like any reply that cannot be delivered. Errors like {@link #deliver}.
     */
    public Mono<DeliveryOutcome> giveUp(FinishedReply reply, BotConfig bot, DeliveryFailure failure, String detail) {
        return refuse(reply, channelOf(bot), failure, detail);
    }

    /** The channel a bot that delivers actively uses. */
    public static DeliveryChannel channelOf(BotConfig bot) {
        return switch (bot.replyMode()) {
            case WEBHOOK -> DeliveryChannel.WEBHOOK;
            case APP_MESSAGE -> DeliveryChannel.APP_MESSAGE;
            case RESPONSE_URL, PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> DeliveryChannel.RESPONSE_URL;
        };
    }

    /**
     * A streaming bot's answer longer than its stream: the stream showed the first part with the continued note
     * (cut by the fold exactly as {@link Continuation} cuts), the rest goes to the message's response_url. That takes
     * one message of {@value #RESPONSE_URL_MAX_BYTES} bytes: a longer rest is kept for the user to ask for with a
     * continue word ({@link KeptRests}; the message ends with the note that says so), or, for a bot without continue
     * words, cut with the truncation note. It does not go on to the bot's group webhook: that posts into one fixed
     * group, and the answer may belong to a single chat or another group.
     */
    private Mono<DeliveryOutcome> restToResponseUrl(FinishedReply reply, BotConfig bot, DeliveryRun run) {
        String rest = Continuation.of(reply.content(), RESPONSE_URL_MAX_BYTES, settings.continuedNote()).rest();
        if (rest.isBlank()) {
            return Mono.just(DeliveryOutcome.DELIVERED); // nothing past the stream (a job of an older responder)
        }
        int restBytes = ContentCap.utf8Length(rest);
        if (restBytes > RESPONSE_URL_MAX_BYTES && bot.keepsRests() && reply.source() instanceof ReplyChunk last) {
            return restOnRequest(reply, bot, last, rest, run);
        }
        if (restBytes > RESPONSE_URL_MAX_BYTES) {
            log.info("rest of a long answer cut to one response_url message streamId={} restBytes={}", reply.streamId(),
                    restBytes);
        }
        return toResponseUrl(reply, rest, run);
    }

    /**
     * The rest past the response_url message is kept before that message says so; should the message fail for good,
     * its part is kept again in front, so that asking shows it.
     */
    private Mono<DeliveryOutcome> restOnRequest(FinishedReply reply, BotConfig bot, ReplyChunk last, String rest,
                                                DeliveryRun run) {
        KeptRests.Split split = rests.split(bot, rest, RESPONSE_URL_MAX_BYTES);
        String user = reply.route().userId();
        return rests.keep(bot, last, user, split.afterShown(), false)
                .then(toResponseUrl(reply, split.shown(), run))
                .flatMap(outcome -> outcome == DeliveryOutcome.FAILED
                        ? rests.keep(bot, last, user, split.parts(), true).thenReturn(outcome)
                        : Mono.just(outcome));
    }

    private Mono<DeliveryOutcome> toResponseUrl(FinishedReply reply, String answer, DeliveryRun run) {
        String url = reply.route().responseUrl();
        if (url == null || url.isBlank()) {
            return refuse(reply, DeliveryChannel.RESPONSE_URL, DeliveryFailure.NO_TARGET, "message carried no response_url");
        }
        // whoever has one bot's Token and EncodingAESKey can sign any response_url: only listed hosts get a request
        OutboundVerdict target = sender.check(url);
        if (!target.isAllowed()) {
            return refuse(reply, DeliveryChannel.RESPONSE_URL, DeliveryFailure.REFUSED_URL, "response_url refused: " + target.code());
        }
        URI uri = Objects.requireNonNull(target.uri());
        String content = ContentCap.cap(answer, RESPONSE_URL_MAX_BYTES, settings.truncatedNote());
        return sendParts(reply, DeliveryChannel.RESPONSE_URL, Part.texts(List.of(content)), run,
                text -> expired(reply) ? Mono.just(SendResult.givenUp(DeliveryFailure.URL_EXPIRED, "response_url expired"))
                        : sender.toResponseUrl(uri, text));
    }

    /** Checked before every attempt: waiting for permits and retries must not outlive the URL. */
    private boolean expired(FinishedReply reply) {
        Instant created = reply.created();
        return created != null && created.plus(settings.responseUrlLifetime()).isBefore(clock.instant());
    }

    private Mono<DeliveryOutcome> toWebhook(FinishedReply reply, @Nullable Secret key, DeliveryRun run) {
        if (key == null) {
            return refuse(reply, DeliveryChannel.WEBHOOK, DeliveryFailure.NO_TARGET, "bot has no webhook key");
        }
        var parts = new ArrayList<Part>();
        if (!reply.content().isBlank()) {
            MarkdownSplitter.split(reply.content(), WEBHOOK_MAX_BYTES)
                    .forEach(text -> parts.add(new Part(Mono.just(WeComReplySender.body(text)), false)));
        }
        AttachedImages.of(reply).forEach(image -> parts.add(new Part(images.webhookBody(reply, image), true)));
        return sendParts(reply, DeliveryChannel.WEBHOOK, parts, run, body -> sender.toWebhookBody(key, body));
    }

    /**
     * A self-built app has no stream to refresh: the answer goes to the user who wrote in parts of at most
     * {@value #APP_MESSAGE_MAX_BYTES} bytes (WeCom cuts longer ones off), split on line and character boundaries with
     * code fences closed and reopened, one {@code message/send} each, in order; then one {@code image} message per
     * attached image, uploaded when it is its turn ({@link AppImages}).
     */
    private Mono<DeliveryOutcome> toApp(FinishedReply reply, BotConfig bot, DeliveryRun run) {
        String user = reply.route().userId();
        var parts = new ArrayList<Part>();
        if (!reply.content().isBlank()) {
            MarkdownSplitter.split(reply.content(), APP_MESSAGE_MAX_BYTES)
                    .forEach(text -> parts.add(new Part(Mono.just(AppMessageSender.body(bot.app(), user, text)), false)));
        }
        List<ReplyImage> attached = AttachedImages.of(reply);
        for (int i = 0; i < attached.size(); i++) {
            parts.add(new Part(appImages.body(reply, bot, attached.get(i), i + 1), true));
        }
        return sendParts(reply, DeliveryChannel.APP_MESSAGE, parts, run, body -> appSender.sendBody(bot, user, body));
    }

    /**
     * One message of a reply, in its place among the reply's parts.
     *
     * @param payload what {@code send} takes, loaded when it is the part's turn; empty leaves the part out (an
     *                attached image whose bytes expired)
     * @param image   an attached image, counted as such
     */
    private record Part(Mono<String> payload, boolean image) {

        static List<Part> texts(List<String> texts) {
            return texts.stream().map(text -> new Part(Mono.just(text), false)).toList();
        }
    }

    private Mono<DeliveryOutcome> sendParts(FinishedReply reply, DeliveryChannel channel, List<Part> parts,
                                            DeliveryRun run, Function<String, Mono<SendResult>> send) {
        if (parts.isEmpty() || reply.content().isBlank() && parts.stream().noneMatch(Part::image)) {
            return refuse(reply, channel, DeliveryFailure.EMPTY_REPLY, "empty reply");
        }
        return Flux.range(0, parts.size())
                .concatMap(i -> sendPart(reply, new PartAttempt(channel, i + 1, parts.size(), 1), parts.get(i), run, send)
                        .doOnNext(delivered -> {
                            if (parts.get(i).image()) {
                                images.counted(reply.botId(), delivered);
                            }
                        })
                        .defaultIfEmpty(true))
                .takeUntil(delivered -> !delivered)
                .all(delivered -> delivered)
                .map(all -> all ? DeliveryOutcome.DELIVERED : DeliveryOutcome.FAILED);
    }

    /**
     * A part an earlier run got through is not sent again, and its payload is not loaded (an app image would be
     * uploaded for nothing); empty when the payload is (an image left out).
     */
    private Mono<Boolean> sendPart(FinishedReply reply, PartAttempt attempt, Part part, DeliveryRun run,
                                   Function<String, Mono<SendResult>> send) {
        return switch (run.state(attempt.part())) {
            case RECORDED -> Mono.just(true);
            case SENT -> recordDelivered(reply, attempt, RECOVERED, run);
            case NOT_SENT -> part.payload().flatMap(text -> attempt(reply, attempt, text, run, send, false));
            case SENDING -> part.payload().flatMap(text -> attempt(reply, attempt, text, run, send, true));
        };
    }

    /** @param sentBefore an earlier send of this part may have reached WeCom (its answer is unknown or was transient) */
    private Mono<Boolean> attempt(FinishedReply reply, PartAttempt attempt, String text, DeliveryRun run,
                                  Function<String, Mono<SendResult>> send, boolean sentBefore) {
        return limiter.acquire(reply.botId())
                .flatMap(permit -> run.checkMaySend()
                        .then(run.markSending(attempt.part()))
                        .then(Mono.defer(() -> send.apply(text)))
                        .flatMap(result -> permit.used().thenReturn(result)))
                .flatMap(result -> {
                    if (result.kind() == SendResult.Kind.DELIVERED) {
                        return run.markSent(attempt.part()).then(recordDelivered(reply, attempt, result, run));
                    }
                    if (sentBefore && usedUp(attempt, result)) {
                        return run.markSent(attempt.part()).then(recordDelivered(reply, attempt, result.usedEarlier(), run));
                    }
                    if (result.kind() == SendResult.Kind.TRANSIENT && settings.retry().allowsAnotherAfter(attempt.attempt())) {
                        return recorder.recordIfPossible(reply, attempt, DeliveryOutcome.RETRYING, result)
                                .then(Mono.delay(settings.retry().backoff(attempt.attempt())))
                                .then(Mono.defer(() -> attempt(reply, attempt.next(), text, run, send, true)));
                    }
                    DeliveryFailure failure = result.failure() != null ? result.failure() : DeliveryFailure.RETRIES_EXHAUSTED;
                    String reason = (result.kind() == SendResult.Kind.TRANSIENT ? "retries exhausted: " : "permanent: ")
                            + result.detail();
                    return recorder.recordFailed(reply, attempt, result, failure)
                            .then(undeliverable.deadLetter(reply, attempt.channel(), failure, reason, result.errcode()))
                            .thenReturn(false);
                });
    }

    /**
     * A response_url takes one message: when WeCom rejects one that an earlier send of the same part may have
     * reached (a run that died or lost Redis before noting WeCom's answer, or a timeout), that send got through.
     */
    private static boolean usedUp(PartAttempt attempt, SendResult result) {
        return attempt.channel() == DeliveryChannel.RESPONSE_URL && result.failure() == DeliveryFailure.REJECTED
                && result.errcode() != null;
    }

    private Mono<Boolean> recordDelivered(FinishedReply reply, PartAttempt attempt, SendResult result, DeliveryRun run) {
        return recorder.record(reply, attempt, DeliveryOutcome.DELIVERED, result)
                .then(run.markRecorded(attempt.part()))
                .thenReturn(true);
    }

    /** A reply that is not even attempted: recorded as failed part 1 and dead-lettered. */
    private Mono<DeliveryOutcome> refuse(FinishedReply reply, DeliveryChannel channel, DeliveryFailure failure, String reason) {
        var result = SendResult.givenUp(failure, reason);
        return recorder.recordFailed(reply, new PartAttempt(channel, 1, 1, 1), result, failure)
                .then(undeliverable.deadLetter(reply, channel, failure, reason, null))
                .thenReturn(DeliveryOutcome.FAILED);
    }
}
