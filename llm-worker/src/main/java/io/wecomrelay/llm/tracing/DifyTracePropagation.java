package io.wecomrelay.llm.tracing;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.tracing.Span;
import io.wecomrelay.llm.consume.Arrival;
import io.wecomrelay.llm.dify.StreamOutcome;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * The Dify client's filter: every request to Dify made within a reply is a client span under the reply's span, and
 * carries that span's {@code traceparent} (a Dify with OpenTelemetry continues the trace). The span ends with the
 * response's body, not its headers: a streamed answer's span covers the whole stream, until its terminal event
 * ({@code message_end}, {@code workflow_finished}, an {@code error} event; the span ends once the rest of the body is
 * read or its drain times out, see {@code DrainingSubscriber}), the relay cancelling it (idle, deadline,
 * a bound, the reply abandoned) or the connection failing or closing, and its {@code relay.dify.outcome} tag says
 * which ({@link #OUTCOME}). A reply's first request ends the
 * {@code worker_to_dify} hop, from the poll of its decision. The span's name is the method and the URL's path,
 * never its query.
 */
public final class DifyTracePropagation implements ExchangeFilterFunction {

    /**
     * The span's tag of how the exchange ended: a stream's terminal event ({@link StreamOutcome}); else
     * {@code cancelled} (the relay stopped reading), {@code closed} (the body ended: for a stream, without a terminal
     * event), {@code io_error} (the connection failed), or {@code http_error} (an answer not 2xx, whatever the body).
     */
    public static final String OUTCOME = "relay.dify.outcome";

    private final RelayTracing tracing;
    private final HopLatency hops;
    private final Clock clock;

    public DifyTracePropagation(RelayTracing tracing, HopLatency hops, Clock clock) {
        this.tracing = tracing;
        this.hops = hops;
        this.clock = clock;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return Mono.deferContextual(context -> {
            String parent = context.getOrDefault(RelayTracing.CONTEXT_KEY, null);
            if (parent == null) {
                return next.exchange(request);
            }
            Arrival arrival = context.getOrDefault(Arrival.class, null);
            String botId = context.getOrDefault(ReplySpans.BOT_KEY, null);
            if (arrival != null && botId != null && arrival.polledAt() > 0 && arrival.firstRequest()) {
                hops.recordMillis(HopLatency.WORKER_TO_DIFY, botId, arrival.polledAt(), clock.millis());
            }
            Span span = tracing.startFrom("dify " + request.method().name() + " " + request.url().getPath(),
                    Span.Kind.CLIENT, parent, null, null);
            String traceparent = tracing.traceparent(span);
            ClientRequest traced = traceparent == null ? request
                    : ClientRequest.from(request).headers(headers -> headers.set(TraceHeaders.TRACEPARENT, traceparent)).build();
            var outcome = request.attributes().get(StreamOutcome.ATTRIBUTE) instanceof StreamOutcome stream ? stream : null;
            // set once the response is out: an operator downstream may cancel the exchange's Mono after its value
            var answered = new AtomicBoolean();
            return next.exchange(traced)
                    .map(response -> {
                        answered.set(true);
                        span.tag("http.response.status_code", response.statusCode().value());
                        boolean failed = !response.statusCode().is2xxSuccessful();
                        return response.mutate().body(body -> body.doFinally(signal -> ended(span, signal, failed, outcome)))
                                .build();
                    })
                    .doOnError(error -> {
                        span.error(error);
                        span.tag(OUTCOME, "io_error").end();
                    })
                    .doOnCancel(() -> {
                        if (!answered.get()) {
                            span.tag(OUTCOME, "cancelled").end();
                        }
                    });
        });
    }

    private static void ended(Span span, SignalType signal, boolean failed, @Nullable StreamOutcome stream) {
        String terminal = stream == null ? null : stream.terminal();
        String outcome = failed ? "http_error" : terminal != null ? terminal
                : switch (signal) {
                    case CANCEL -> "cancelled";
                    case ON_ERROR -> "io_error";
                    default -> "closed";
                };
        span.tag(OUTCOME, outcome).end();
    }
}
