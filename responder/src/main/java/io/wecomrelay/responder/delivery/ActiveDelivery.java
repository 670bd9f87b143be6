package io.wecomrelay.responder.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wecomrelay.responder.materialize.FinishedReply;
import io.wecomrelay.responder.materialize.FinishedReplyHandler;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Takes finished replies of {@code response_url} and {@code webhook} bots off the listener thread and
 * delivers them one after another per bot, in the order they finished, so that parts and replies of
 * one bot never interleave within an instance and a rate-limited bot never holds up the
 * materialization of other streams. Replies of streaming bots are ignored.
 * <p>
 * Delivery is at most once per stream: the finish decision in Redis happens once, and a reply still
 * queued when the process dies is lost (its stream is finished; the audit topic shows no outcome).
 * {@link #close()} drains the queues for up to the configured grace period.
 */
public final class ActiveDelivery implements FinishedReplyHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveDelivery.class);

    private final BotRegistry bots;
    private final ReplyDeliverer deliverer;
    private final Duration shutdownGrace;
    private final Map<String, BotQueue> queues = new ConcurrentHashMap<>();

    public ActiveDelivery(BotRegistry bots, ReplyDeliverer deliverer, Duration shutdownGrace) {
        this.bots = bots;
        this.deliverer = deliverer;
        this.shutdownGrace = shutdownGrace;
    }

    @Override
    public void finished(FinishedReply reply) {
        bots.find(reply.botId())
                .filter(bot -> !bot.replyMode().streams())
                .ifPresent(bot -> queues.computeIfAbsent(bot.id(), id -> new BotQueue(bot)).submit(reply));
    }

    @Override
    public void close() {
        List<Mono<Void>> drained = new ArrayList<>();
        queues.values().forEach(queue -> drained.add(queue.complete()));
        try {
            Mono.when(drained).block(shutdownGrace);
        } catch (IllegalStateException e) {
            log.warn("active deliveries still queued after {}; they are lost", shutdownGrace);
        }
    }

    /** One bot's ordered queue. */
    private final class BotQueue {
        private final Sinks.Many<FinishedReply> sink = Sinks.many().unicast().onBackpressureBuffer();
        private final Sinks.Empty<Void> done = Sinks.empty();

        BotQueue(BotConfig bot) {
            Flux<Void> deliveries = sink.asFlux().concatMap(reply -> deliverer.deliver(reply, bot)
                    .onErrorResume(e -> {
                        log.error("delivery crashed streamId={} botId={} cause={}", reply.streamId(), bot.id(), e.toString());
                        return Mono.empty();
                    }));
            deliveries.doFinally(signal -> done.tryEmitEmpty()).subscribe();
        }

        synchronized void submit(FinishedReply reply) {
            Sinks.EmitResult result = sink.tryEmitNext(reply);
            if (result.isFailure()) {
                log.error("cannot queue delivery streamId={} botId={} result={}", reply.streamId(), reply.botId(), result);
            }
        }

        synchronized Mono<Void> complete() {
            sink.tryEmitComplete();
            return done.asMono();
        }
    }
}
