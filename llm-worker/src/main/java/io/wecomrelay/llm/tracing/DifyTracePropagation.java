package io.wecomrelay.llm.tracing;

import java.time.Clock;

import io.micrometer.tracing.Span;
import io.wecomrelay.llm.consume.Arrival;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceHeaders;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * The Dify client's filter: every request to Dify made within a reply is a client span under the reply's span, and
 * carries that span's {@code traceparent} (a Dify with OpenTelemetry continues the trace). The span ends with the
 * response's headers (for a streamed answer: when Dify starts streaming). A reply's first request ends the
 * {@code worker_to_dify} hop, from the poll of its decision. The span's name is the method and the URL's path,
 * never its query.
 */
public final class DifyTracePropagation implements ExchangeFilterFunction {

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
            return next.exchange(traced)
                    .doOnNext(response -> span.tag("http.response.status_code", response.statusCode().value()))
                    .doOnError(span::error)
                    .doFinally(signal -> span.end());
        });
    }
}
