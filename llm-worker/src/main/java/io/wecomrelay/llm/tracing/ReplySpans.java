package io.wecomrelay.llm.tracing;

import java.time.Instant;

import io.micrometer.tracing.Span;
import io.wecomrelay.llm.consume.AcceptedConsumer;
import io.wecomrelay.llm.consume.Arrival;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Wraps the reply handler: each try of a reply is a span under the decision record's traceparent (the first try's
 * begins when the record was polled, so it shows the wait for the conversation's turn and a slot), and everything the
 * reply writes or asks finds the span's traceparent in the Reactor context ({@link RelayTracing#CONTEXT_KEY}).
 * The first try measures {@code decision_to_worker}: from the decision record's timestamp to its poll, which covers
 * the processor's transaction commit and the worker's fetch.
 */
public final class ReplySpans {

    /** The Reactor context key of the bot a reply is for (a {@code String}), for the Dify hop's latency. */
    public static final String BOT_KEY = "relay.bot";

    private static final Logger log = LoggerFactory.getLogger(ReplySpans.class);

    private final RelayTracing tracing;
    private final HopLatency hops;

    public ReplySpans(RelayTracing tracing, HopLatency hops) {
        this.tracing = tracing;
        this.hops = hops;
    }

    public AcceptedConsumer.Handler around(AcceptedConsumer.Handler handler) {
        return (message, traceId) -> Mono.deferContextual(context -> {
            Arrival arrival = context.getOrDefault(Arrival.class, null);
            boolean first = arrival != null && arrival.firstArrival();
            if (first && arrival.recordTimestamp() > 0) {
                hops.recordMillis(HopLatency.DECISION_TO_WORKER, message.botId(), arrival.recordTimestamp(),
                        arrival.polledAt());
            }
            Span span = tracing.startFrom("llm-worker reply", Span.Kind.CONSUMER,
                            arrival == null ? null : arrival.traceparent(), traceId,
                            first && arrival.polledAt() > 0 ? Instant.ofEpochMilli(arrival.polledAt()) : null)
                    .tag("relay.bot", message.botId())
                    .tag("relay.stream", message.streamId());
            String traceparent = tracing.traceparent(span);
            Mono<Void> reply;
            // what the handler logs as it assembles the reply is in the span; later lines carry it by hand (TraceLog)
            try (var scope = tracing.inScope(span)) {
                log.debug("reply started streamId={} botId={}", message.streamId(), message.botId());
                reply = handler.handle(message, traceId);
            }
            return reply
                    .doOnError(span::error)
                    .doFinally(signal -> span.end())
                    .contextWrite(inner -> {
                        var withBot = inner.put(BOT_KEY, message.botId());
                        return traceparent == null ? withBot : withBot.put(RelayTracing.CONTEXT_KEY, traceparent);
                    });
        });
    }
}
