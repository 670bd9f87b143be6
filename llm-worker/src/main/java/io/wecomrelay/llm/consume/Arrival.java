package io.wecomrelay.llm.consume;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * How a decision reached this worker, for its trace and hop latencies: in the Reactor context of its reply (key
 * {@code Arrival.class}), next to the record's traceparent. Every try of the reply sees the same one.
 *
 * @param traceparent     the record's W3C trace context, when it had one
 * @param recordTimestamp the decision record's timestamp (the processor's decision)
 * @param polledAt        when this worker polled it
 */
public record Arrival(@Nullable String traceparent, long recordTimestamp, long polledAt, AtomicBoolean arrivalMeasured,
                      AtomicBoolean requestMeasured) {

    public Arrival(@Nullable String traceparent, long recordTimestamp, long polledAt) {
        this(traceparent, recordTimestamp, polledAt, new AtomicBoolean(), new AtomicBoolean());
    }

    /** True once: the decision → worker hop is measured by the first try only. */
    public boolean firstArrival() {
        return arrivalMeasured.compareAndSet(false, true);
    }

    /** True once: the worker → Dify hop ends with the reply's first Dify request. */
    public boolean firstRequest() {
        return requestMeasured.compareAndSet(false, true);
    }
}
