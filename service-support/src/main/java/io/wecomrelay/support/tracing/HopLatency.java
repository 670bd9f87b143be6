package io.wecomrelay.support.tracing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

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

    private final MeterRegistry meters;
    /** By hop, then bot: no key is built per record (one was a string concatenation, hashed anew, every time). */
    private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();

    public HopLatency(MeterRegistry meters) {
        this.meters = meters;
    }

    public void record(String hop, String botId, Duration duration) {
        timer(hop, botId).record(duration.isNegative() ? Duration.ZERO : duration);
    }

    public void recordMillis(String hop, String botId, long fromEpochMilli, long toEpochMilli) {
        record(hop, botId, Duration.ofMillis(toEpochMilli - fromEpochMilli));
    }

    private Timer timer(String hop, String botId) {
        // get() first: computeIfAbsent's lambdas capture the names, an allocation on every record
        Map<String, Timer> byBot = timers.get(hop);
        Timer timer = byBot == null ? null : byBot.get(botId);
        if (timer != null) {
            return timer;
        }
        return timers.computeIfAbsent(hop, key -> new ConcurrentHashMap<>()).computeIfAbsent(botId, key -> Timer.builder(NAME)
                .description("time a message spends on one hop of the pipeline")
                .tags("hop", hop, "bot", botId)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(meters));
    }
}
