package io.wecomrelay.ingress.callback;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.util.Timer;
import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.ingress.bots.BotDirectory;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.PublishFailedException;
import io.wecomrelay.ingress.refresh.RefreshAnswerer;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.ingress.reply.ReplySealer;
import io.wecomrelay.ingress.tracing.IngressTracing;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.wecom.message.StreamRefresh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET} and {@code POST /wecom/callback/{botId}}. Verification failures become 4xx with a
 * metric and a log line (no body, no secret) and publish nothing; Kafka not acknowledging in time, or
 * Redis not taking the stream marker, becomes 503 so that WeCom retries.
 */
public final class CallbackHandler {

    private static final Logger log = LoggerFactory.getLogger(CallbackHandler.class);

    private final CallbackVerifier verifier;
    private final InboundIntake intake;
    private final RefreshAnswerer refreshes;
    private final ResponseUrlScreen responseUrls;
    private final ReplySealer sealer;
    private final CallbackMetrics metrics;

    CallbackHandler(CallbackVerifier verifier, InboundIntake intake, RefreshAnswerer refreshes,
                    ResponseUrlScreen responseUrls, ReplySealer sealer, CallbackMetrics metrics) {
        this.verifier = verifier;
        this.intake = intake;
        this.refreshes = refreshes;
        this.responseUrls = responseUrls;
        this.sealer = sealer;
        this.metrics = metrics;
    }

    /**
     * Builds the handler from its parts; the parts stay package-private. {@code wheel} times the stream marker
     * (Lettuce's command timer).
     */
    public static CallbackHandler create(BotDirectory bots, CallbackLimits limits, InboundPublisher publisher,
                                         StreamMarkerWriter markers, RefreshAnswerer refreshes, OutboundPolicy responseUrls,
                                         CallbackMetrics metrics, Clock clock, Supplier<UUID> ids, IngressTracing tracing,
                                         Timer wheel) {
        var verifier = new CallbackVerifier(bots, limits, clock);
        var intake = new InboundIntake(publisher, markers, clock, ids, limits.markerTimeout(), wheel, tracing);
        return new CallbackHandler(verifier, intake, refreshes, new ResponseUrlScreen(responseUrls, metrics),
                new ReplySealer(clock), metrics);
    }

    public Mono<ServerResponse> verifyUrl(ServerRequest request) {
        String botId = request.pathVariable("botId");
        return echo(metrics, botId, () -> verifier.verifyEcho(verifier.bot(botId), request), e -> rejected(botId, e));
    }

    /** The URL-verification answer: exactly the decrypted echostr, as plain text; a refusal goes to {@code rejected}. */
    static Mono<ServerResponse> echo(CallbackMetrics metrics, String botId, Callable<String> decrypted,
                                     Function<CallbackRejectedException, Mono<ServerResponse>> rejected) {
        return Mono.fromCallable(decrypted)
                .flatMap(echo -> {
                    metrics.callback(botId, "url-verification", "answered");
                    return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(echo);
                })
                .onErrorResume(CallbackRejectedException.class, rejected);
    }

    public Mono<ServerResponse> receive(ServerRequest request) {
        String botId = request.pathVariable("botId");
        return Mono.fromCallable(() -> verifier.bot(botId))
                .flatMap(bot -> verifier.verifyPost(bot, request))
                .flatMap(verified -> handle(verified, RequestLoop.of(request)))
                .onErrorResume(CallbackRejectedException.class, e -> rejected(botId, e))
                .onErrorResume(PublishFailedException.class, e -> unavailable(metrics, botId))
                .onErrorResume(StreamMarkerFailedException.class, e -> {
                    metrics.markerFailed(botId);
                    return unavailable(metrics, botId);
                });
    }

    /** {@code loop}: where the answer continues after Kafka's or Redis's I/O thread. */
    private Mono<ServerResponse> handle(VerifiedCallback verified, Scheduler loop) {
        Bot bot = verified.bot();
        String nonce = verified.query().nonce();
        if (verified.callback() instanceof StreamRefresh refresh) {
            return refreshes.refresh(bot.config(), refresh.streamId(), loop).flatMap(answer -> {
                metrics.refresh(bot.id(), answer.result());
                return sealer.sealed(bot, answer.reply(), nonce);
            });
        }
        var message = responseUrls.screen(bot.id(), verified.callback().meta().toInboundMessage());
        long started = System.nanoTime();
        return intake.accept(bot, message, loop)
                .flatMap(reply -> sealer.sealed(bot, reply, nonce))
                .switchIfEmpty(Mono.defer(ReplySealer::empty))
                .doOnSuccess(response -> metrics.published(bot.id(), message, started));
    }

    private Mono<ServerResponse> rejected(String botId, CallbackRejectedException e) {
        return answerRejected(metrics, botTag(botId, verifier::bot), e);
    }

    /** The bot id as a metric tag when {@code lookup} knows it, else unknown: anyone can send any id. */
    static String botTag(String botId, Function<String, Bot> lookup) {
        try {
            lookup.apply(botId);
            return botId;
        } catch (CallbackRejectedException e) {
            return CallbackMetrics.UNKNOWN_BOT;
        }
    }

    /** The 4xx of a refused callback, counted and logged without body or secrets; {@code botTag} is a known bot or unknown. */
    static Mono<ServerResponse> answerRejected(CallbackMetrics metrics, String botTag, CallbackRejectedException e) {
        metrics.rejected(botTag, e.reason());
        log.warn("rejected callback bot={} reason={} detail={}", botTag, e.reason().tag(), e.getMessage());
        return ServerResponse.status(e.reason().status()).contentType(MediaType.TEXT_PLAIN).bodyValue(e.reason().tag());
    }

    /** {@link InboundIntake} logged the message's ids and the cause. */
    static Mono<ServerResponse> unavailable(CallbackMetrics metrics, String botId) {
        metrics.callback(botId, "message", "unavailable");
        return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).build();
    }
}
