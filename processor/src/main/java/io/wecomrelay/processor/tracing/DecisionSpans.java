package io.wecomrelay.processor.tracing;

import java.time.Clock;

import io.micrometer.tracing.Span;
import io.wecomrelay.processor.decision.DecisionTrace;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.apache.kafka.common.header.Headers;

/**
 * A span per decision, from the inbound record's trace context (an older record's {@code trace-id}, else the event's
 * trace id), current while the decision is forwarded and logged. Measures the hop from the inbound record's timestamp
 * (ingress's send) to the decision; the decision becomes visible only with the Streams transaction's commit, which
 * the worker's {@code decision_to_worker} covers.
 */
public final class DecisionSpans implements DecisionTrace {

    private final RelayTracing tracing;
    private final HopLatency hops;
    private final Clock clock;

    public DecisionSpans(RelayTracing tracing, HopLatency hops, Clock clock) {
        this.tracing = tracing;
        this.hops = hops;
        this.clock = clock;
    }

    @Override
    public Scope decided(Headers headers, RelayEvent decision, long inboundTimestamp) {
        hops.recordMillis(HopLatency.INBOUND_TO_DECISION, decision.botId(), inboundTimestamp, clock.millis());
        Span span = tracing.startFrom("processor decide", Span.Kind.CONSUMER, headers, decision.meta().traceId())
                .tag("relay.bot", decision.botId())
                .tag("relay.decision", decision instanceof MessageAccepted ? "accepted" : "rejected");
        tracing.inject(span, headers);
        var scope = tracing.inScope(span);
        return () -> {
            scope.close();
            span.end();
        };
    }
}
