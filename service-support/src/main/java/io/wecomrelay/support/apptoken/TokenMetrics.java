package io.wecomrelay.support.apptoken;

import io.micrometer.core.instrument.MeterRegistry;

/** What {@link AccessTokens} reports, per bot. Implementations must be thread-safe and never throw. */
public interface TokenMetrics {

    /** This instance fetched a new token with {@code gettoken}. */
    void fetched(String botId);

    /** A token WeCom refused was dropped from the shared store (by this instance). */
    void invalidated(String botId);

    /**
     * A counter {@code meterName{bot, event=fetched|invalidated}}; each service keeps its own name
     * ({@code relay.responder.app.tokens}, {@code relay.worker.app.tokens}).
     */
    static TokenMetrics counters(MeterRegistry registry, String meterName) {
        return new TokenMetrics() {
            @Override
            public void fetched(String botId) {
                registry.counter(meterName, "bot", botId, "event", "fetched").increment();
            }

            @Override
            public void invalidated(String botId) {
                registry.counter(meterName, "bot", botId, "event", "invalidated").increment();
            }
        };
    }
}
