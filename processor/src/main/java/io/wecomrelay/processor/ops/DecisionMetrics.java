package io.wecomrelay.processor.ops;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.DecisionListener;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.support.metrics.MeterTable;

/**
 * Counts decisions as {@code relay.processor.decisions} tagged by {@code bot}, {@code outcome}
 * ({@code accepted}/{@code rejected}), {@code reason} (a {@code RejectReason} in lower case, or
 * {@code none}) and {@code rule}. Bot ids the bots file does not know are tagged {@code unknown}, so
 * a flood of made-up ids cannot grow the number of series, nor the counters kept here.
 *
 * <p>The counters are kept once registered, by bot and rule, then by outcome and reason: registering one per
 * decision was a registry look-up with a new id and its tags sorted for every message.
 */
public final class DecisionMetrics implements DecisionListener {

    public static final String NAME = "relay.processor.decisions";

    static final String UNKNOWN_BOT = "unknown";
    private static final String ACCEPTED = "accepted";
    private static final String REJECTED = "rejected";
    private static final String NO_REASON = "none";

    /** By bot tag and rule (both bounded: the bots file, the rules), then by outcome and reason name. */
    private final MeterTable<MeterTable<Counter>> counters;

    public DecisionMetrics(MeterRegistry registry) {
        this.counters = new MeterTable<>((bot, rule) -> new MeterTable<>((outcome, reason) -> Counter.builder(NAME)
                .description("Decisions about inbound messages")
                .tag("bot", bot)
                .tag("outcome", outcome)
                .tag("reason", reason.toLowerCase(Locale.ROOT))
                .tag("rule", rule)
                .register(registry)));
    }

    @Override
    public void onDecision(Case decided) {
        Ruling ruling = decided.ruling();
        if (ruling == null) {
            return;
        }
        BotConfig bot = decided.bot();
        counters.get(bot == null ? UNKNOWN_BOT : bot.id(), ruling.rule())
                .get(ruling.accepted() ? ACCEPTED : REJECTED, ruling.reason() == null ? NO_REASON : ruling.reason().name())
                .increment();
    }
}
