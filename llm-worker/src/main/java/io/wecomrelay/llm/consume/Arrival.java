package io.wecomrelay.llm.consume;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * How a decision reached this worker, for its trace and hop latencies: in the Reactor context of its reply (key
 * {@code Arrival.class}), next to the record's traceparent. Every try of the reply sees the same one, so that each hop
 * is measured once per reply.
 */
public final class Arrival {

    private final @Nullable String traceparent;
    private final long recordTimestamp;
    private final long polledAt;
    private final AtomicBoolean arrivalMeasured = new AtomicBoolean();
    private final AtomicBoolean requestMeasured = new AtomicBoolean();

    /**
     * @param traceparent     the record's W3C trace context, when it had one
     * @param recordTimestamp the decision record's timestamp (the processor's decision)
     * @param polledAt        when this worker polled it
     */
    public Arrival(@Nullable String traceparent, long recordTimestamp, long polledAt) {
        this.traceparent = traceparent;
        this.recordTimestamp = recordTimestamp;
        this.polledAt = polledAt;
    }

    public @Nullable String traceparent() {
        return traceparent;
    }

    public long recordTimestamp() {
        return recordTimestamp;
    }

    public long polledAt() {
        return polledAt;
    }

    /** True once: the decision → worker hop is measured by the first try only. */
    public boolean firstArrival() {
        return arrivalMeasured.compareAndSet(false, true);
    }

    /** True once: the worker → Dify hop ends with the reply's first Dify request. */
    public boolean firstRequest() {
        return requestMeasured.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "Arrival[traceparent=" + traceparent + ", recordTimestamp=" + recordTimestamp + ", polledAt=" + polledAt + "]";
    }
}
