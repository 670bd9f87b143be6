package io.wecomrelay.processor.ratelimit;

import java.util.List;

import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.RejectReason;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Accepts an undecided message when its bot has capacity in the rolling minute, otherwise rejects
 * it as {@code RATE_LIMITED}. The last rule: every message leaves it decided.
 */
final class RateLimiter implements FixedKeyProcessor<String, Case, Case> {

    private FixedKeyProcessorContext<String, Case> context;
    private KeyValueStore<String, List<Long>> accepted;

    @Override
    public void init(FixedKeyProcessorContext<String, Case> context) {
        this.context = context;
        this.accepted = context.getStateStore(RateLimit.STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Case> record) {
        Case pending = record.value();
        BotConfig bot = pending.bot();
        if (pending.decided() || bot == null) {
            context.forward(record);
            return;
        }
        List<Long> stored = accepted.get(bot.id());
        RollingWindow window = stored == null ? RollingWindow.empty() : new RollingWindow(stored);
        long timestamp = record.timestamp();
        if (window.admits(timestamp, bot.rateLimitPerMinute())) {
            accepted.put(bot.id(), window.plus(timestamp).acceptedAt());
            context.forward(record.withValue(pending.decide(Ruling.accept(RateLimit.ACCEPT))));
        } else {
            context.forward(record.withValue(pending.decide(Ruling.reject(RejectReason.RATE_LIMITED, RateLimit.RULE,
                    "limit of " + bot.rateLimitPerMinute() + " accepted messages per rolling minute reached"))));
        }
    }
}
