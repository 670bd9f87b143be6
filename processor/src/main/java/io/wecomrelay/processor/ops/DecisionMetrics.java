package io.wecomrelay.processor.ops;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.DecisionListener;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.bot.BotConfig;

/**
 * Counts decisions as {@code relay.processor.decisions} tagged by {@code bot}, {@code outcome}
 * ({@code accepted}/{@code rejected}), {@code reason} (a {@code RejectReason} in lower case, or
 * {@code none}) and {@code rule}. Bot ids the bots file does not know are tagged {@code unknown}, so
 * a flood of made-up ids cannot grow the number of series.
 */
public final class DecisionMetrics implements DecisionListener {

    public static final String NAME = "relay.processor.decisions";

    private final MeterRegistry registry;

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onDecision(Case decided) {
        Ruling ruling = decided.ruling();
        if (ruling == null) {
            return;
        }
        BotConfig bot = decided.bot();
        Counter.builder(NAME)
                .description("Decisions about inbound messages")
                .tag("bot", bot == null ? "unknown" : bot.id())
                .tag("outcome", ruling.accepted() ? "accepted" : "rejected")
                .tag("reason", ruling.reason() == null ? "none" : ruling.reason().name().toLowerCase(Locale.ROOT))
                .tag("rule", ruling.rule())
                .register(registry)
                .increment();
    }
}
