package io.wecomrelay.processor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.processor.dedup.Dedup;
import io.wecomrelay.processor.ratelimit.RateLimit;
import io.wecomrelay.processor.topology.Inbound;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.Test;

class DecisionMetricsTest {

    static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");
    static final BotRegistry BOTS = Inbound.bots();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Every registration of a decision counter, found or new, passes the registry's filters: a count of them. */
    private final AtomicInteger registrations = new AtomicInteger();
    private final DecisionMetrics metrics;

    DecisionMetricsTest() {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().equals(DecisionMetrics.NAME)) {
                    registrations.incrementAndGet();
                }
                return id;
            }
        });
        metrics = new DecisionMetrics(registry);
    }

    @Test
    void eachDecisionCountsOnceUnderItsBotOutcomeReasonAndRule() {
        BotConfig botA = BOTS.find("bot-a").orElseThrow();
        for (int i = 0; i < 3; i++) {
            metrics.onDecision(decided(botA, "bot-a", Ruling.accept(RateLimit.ACCEPT)));
        }
        metrics.onDecision(decided(botA, "bot-a", Ruling.reject(RejectReason.DUPLICATE, Dedup.RULE, "seen")));
        metrics.onDecision(decided(BOTS.find("bot-b").orElseThrow(), "bot-b", Ruling.accept(RateLimit.ACCEPT)));
        metrics.onDecision(Case.open(Inbound.text("bot-a", "undecided", "zhangsan", T0), botA));

        assertThat(count("bot-a", "accepted", "none", "accept")).isEqualTo(3);
        assertThat(count("bot-a", "rejected", "duplicate", "dedup")).isEqualTo(1);
        assertThat(count("bot-b", "accepted", "none", "accept")).isEqualTo(1);
        assertThat(registry.find(DecisionMetrics.NAME).counters()).hasSize(3);
    }

    @Test
    void aFloodOfUnknownBotIdsKeepsOneCounterPerOutcomeAndRegistersItOnce() {
        for (int i = 0; i < 1_000; i++) {
            metrics.onDecision(decided(null, "made-up-" + i, Ruling.reject(RejectReason.BOT_UNKNOWN, "bot.unknown", "no such bot")));
        }

        assertThat(count("unknown", "rejected", "bot_unknown", "bot.unknown")).isEqualTo(1_000);
        assertThat(registry.find(DecisionMetrics.NAME).counters()).hasSize(1);
        assertThat(registrations).as("registry look-ups: the counter is kept after the first").hasValue(1);
    }

    private static Case decided(BotConfig bot, String botId, Ruling ruling) {
        return Case.open(Inbound.text(botId, "msg", "zhangsan", T0), bot).decide(ruling);
    }

    private double count(String bot, String outcome, String reason, String rule) {
        return registry.get(DecisionMetrics.NAME).tags("bot", bot, "outcome", outcome, "reason", reason, "rule", rule)
                .counter().count();
    }
}
