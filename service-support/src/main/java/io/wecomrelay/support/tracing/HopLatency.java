package io.wecomrelay.support.tracing;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.support.metrics.MeterTable;

/**
 * The time a message spends on each hop, {@code relay.hop.latency{hop,bot}} (Prometheus:
 * {@code relay_hop_latency_seconds_bucket}), as a percentile histogram so that p50/p99 can be aggregated over
 * instances. The hops, in pipeline order, are the constants below. Bots are the bots file's (bounded); a duration
 * below zero (clocks of two hosts) counts as zero.
 */
public final class HopLatency {

    public static final String NAME = "relay.hop.latency";

    /** ingress: the callback arrived → Kafka acknowledged the inbound record. */
    public static final String CALLBACK_TO_ACK = "callback_to_ack";
    /** processor: the inbound record's timestamp → its decision made (not yet committed). */
    public static final String INBOUND_TO_DECISION = "inbound_to_decision";
    /** llm-worker: the decision record's timestamp → the worker polled it (the decision's commit included). */
    public static final String DECISION_TO_WORKER = "decision_to_worker";
    /** llm-worker: the worker polled the decision → the Dify request is sent. */
    public static final String WORKER_TO_DIFY = "worker_to_dify";
    /**
     * responder, and the llm-worker for the previews it folds itself: a chunk made (a Dify delta) → its text visible in
     * Redis.
     */
    public static final String DELTA_TO_REDIS = "delta_to_redis";
    /** responder: the reply finished (its last chunk made) → delivered (response_url, webhook, message/send). */
    public static final String FINISH_TO_DELIVERED = "finish_to_delivered";

    /** By hop, then bot: no key is built per record. */
    private final MeterTable<Timer> timers;

    public HopLatency(MeterRegistry meters) {
        this.timers = new MeterTable<>((hop, botId) -> Timer.builder(NAME)
                .description("time a message spends on one hop of the pipeline")
                .tags("hop", hop, "bot", botId)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(meters));
    }

    public void record(String hop, String botId, Duration duration) {
        timers.get(hop, botId).record(duration.isNegative() ? Duration.ZERO : duration);
    }

    public void recordMillis(String hop, String botId, long fromEpochMilli, long toEpochMilli) {
        record(hop, botId, Duration.ofMillis(toEpochMilli - fromEpochMilli));
    }
}
