package io.wecomrelay.ingress.callback;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.schemas.event.InboundMessage;

/**
 * Callback counters by bot, type and outcome; rejections by reason; response_url verdicts; publish latency by bot;
 * stream markers Redis did not take, by bot. The meters every accepted message touches are kept here once registered:
 * looking them up in the registry (tags sorted, filters applied, a histogram's builder) for each message cost more
 * than recording into them.
 */
public final class CallbackMetrics {

    /** Tag value for bot ids that are not configured, so attackers cannot grow the tag space. */
    static final String UNKNOWN_BOT = "unknown";

    private final MeterRegistry registry;
    /** By bot id: bounded by the bots file, as the registry's meters are. */
    private final Map<String, Timer> publishTimers = new ConcurrentHashMap<>();
    /** By bot id, type and outcome: the registry's own tag space, no larger. */
    private final Map<String, Counter> callbacks = new ConcurrentHashMap<>();
    /** By bot id and verdict (a message with a response_url), and by bot id and result (a refresh poll): the same. */
    private final Map<String, Counter> responseUrls = new ConcurrentHashMap<>();
    private final Map<String, Counter> refreshes = new ConcurrentHashMap<>();

    public CallbackMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void callback(String botId, String type, String outcome) {
        callbacks.computeIfAbsent(botId + '\n' + type + '\n' + outcome,
                key -> registry.counter("relay.ingress.callbacks", "bot", botId, "type", type, "outcome", outcome)).increment();
    }

    void rejected(String botTag, RejectionReason reason) {
        registry.counter("relay.ingress.rejections", "bot", botTag, "reason", reason.tag()).increment();
    }

    void refresh(String botId, String result) {
        refreshes.computeIfAbsent(botId + '\n' + result,
                key -> registry.counter("relay.ingress.refreshes", "bot", botId, "result", result)).increment();
    }

    void responseUrl(String botId, String verdict) {
        responseUrls.computeIfAbsent(botId + '\n' + verdict,
                key -> registry.counter("relay.ingress.response_url", "bot", botId, "verdict", verdict)).increment();
    }

    /** A callback answered 503 because Redis did not take its stream marker. */
    void markerFailed(String botId) {
        registry.counter("relay.ingress.stream_marker_failures", "bot", botId).increment();
    }

    /** A message Kafka acknowledged, publishing started at {@code startedNanos} ({@link System#nanoTime()}). */
    void published(String botId, InboundMessage message, long startedNanos) {
        publishTimers.computeIfAbsent(botId, id -> Timer.builder("relay.ingress.publish").tag("bot", id)
                .publishPercentileHistogram().register(registry)).record(Duration.ofNanos(System.nanoTime() - startedNanos));
        callback(botId, message.isEvent() ? "event" : message.msgType(), "published");
    }
}
