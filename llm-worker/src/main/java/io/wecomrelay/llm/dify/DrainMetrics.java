package io.wecomrelay.llm.dify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code relay.worker.dify.drains{outcome}}: how the rest of each chat response after its terminal event went,
 * {@code completed} (its connection back in the pool), {@code timed_out} (closed after {@code dify.drain-timeout}) or
 * {@code failed} (the body failed; Reactor Netty closed the connection). Registered once: every answer counts one.
 */
final class DrainMetrics {

    private final Counter completed;
    private final Counter timedOut;
    private final Counter failed;

    DrainMetrics(MeterRegistry registry) {
        this.completed = counter(registry, "completed");
        this.timedOut = counter(registry, "timed_out");
        this.failed = counter(registry, "failed");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("relay.worker.dify.drains")
                .description("Rests of Dify chat responses read after their terminal event, by how they ended")
                .tag("outcome", outcome).register(registry);
    }

    void completed() {
        completed.increment();
    }

    void timedOut() {
        timedOut.increment();
    }

    void failed() {
        failed.increment();
    }
}
