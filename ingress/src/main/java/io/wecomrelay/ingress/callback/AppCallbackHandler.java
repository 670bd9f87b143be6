package io.wecomrelay.ingress.callback;

import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.netty.util.Timer;
import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.ingress.bots.BotDirectory;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.PublishFailedException;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.ingress.reply.ReplySealer;
import io.wecomrelay.ingress.tracing.IngressTracing;
import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.app.AppTextReply;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET} and {@code POST /wecom/app/{botId}}: a self-built app's URL verification and its XML callbacks. Every
 * message and event is published to {@code wecom.inbound} and answered with an empty 200 once Kafka acknowledged it
 * (the answer comes later through {@code message/send}), or, for an app with a {@code thinking-notice}, a message the
 * worker answers with that notice as an encrypted passive text reply; Kafka not acknowledging in time becomes 503 so that WeCom
 * retries. Refusals are 4xx with a metric and a log line, and publish nothing.
 */
public final class AppCallbackHandler {

    /**
     * The message types the llm-worker answers for an app (media through {@code media/get}); only these get the
     * thinking notice.
     */
    private static final Set<String> ANSWERED = Set.of("text", "location", "link", "image", "voice", "video", "file");

    private final AppCallbackVerifier verifier;
    private final InboundIntake intake;
    private final CallbackMetrics metrics;
    private final Clock clock;

    AppCallbackHandler(AppCallbackVerifier verifier, InboundIntake intake, CallbackMetrics metrics, Clock clock) {
        this.verifier = verifier;
        this.intake = intake;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Builds the handler from its parts; the parts stay package-private. {@code wheel}: Lettuce's command timer. */
    public static AppCallbackHandler create(BotDirectory bots, CallbackLimits limits, InboundPublisher publisher,
                                            StreamMarkerWriter markers, CallbackMetrics metrics, Clock clock,
                                            Supplier<UUID> ids, IngressTracing tracing, Timer wheel) {
        return new AppCallbackHandler(new AppCallbackVerifier(new CallbackVerifier(bots, limits, clock)),
                new InboundIntake(publisher, markers, clock, ids, limits.markerTimeout(), wheel, tracing), metrics, clock);
    }

    public Mono<ServerResponse> verifyUrl(ServerRequest request) {
        String botId = request.pathVariable("botId");
        return CallbackHandler.echo(metrics, botId, () -> verifier.verifyEcho(verifier.app(botId), request),
                e -> rejected(botId, e));
    }

    public Mono<ServerResponse> receive(ServerRequest request) {
        String botId = request.pathVariable("botId");
        return Mono.fromCallable(() -> verifier.app(botId))
                .flatMap(app -> verifier.verifyPost(app, request)
                        .flatMap(message -> publish(app, message, request.queryParams().getFirst("nonce"),
                                RequestLoop.of(request))))
                .onErrorResume(CallbackRejectedException.class, e -> rejected(botId, e))
                .onErrorResume(PublishFailedException.class, e -> CallbackHandler.unavailable(metrics, botId));
    }

    private Mono<ServerResponse> publish(Bot app, InboundMessage message, String nonce, Scheduler loop) {
        long started = System.nanoTime();
        // an app has no passive reply of its own: the intake completes empty once Kafka has the message
        return intake.accept(app, message, loop)
                .then(Mono.defer(() -> answer(app, message, nonce)))
                .doOnSuccess(response -> metrics.published(app.id(), message, started));
    }

    /**
     * Empty, or the app's thinking notice as a passive text reply to a message the worker answers: WeCom shows it at
     * once, and the answer follows through {@code message/send}.
     */
    private Mono<ServerResponse> answer(Bot app, InboundMessage message, String nonce) {
        AppSettings settings = app.config().app();
        if (settings.thinkingNotice() == null || message.isEvent() || !ANSWERED.contains(message.msgType())) {
            return ReplySealer.empty();
        }
        long now = clock.instant().getEpochSecond();
        String sealed = new AppTextReply(message.userId(), settings.corpId(), now, settings.thinkingNotice())
                .seal(app.crypto(), Long.toString(now), nonce);
        return ServerResponse.ok().contentType(MediaType.APPLICATION_XML).bodyValue(sealed);
    }

    private Mono<ServerResponse> rejected(String botId, CallbackRejectedException e) {
        return CallbackHandler.answerRejected(metrics, CallbackHandler.botTag(botId, verifier::app), e);
    }
}
