package io.wecomrelay.processor.auth;

import java.util.Optional;

import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.event.MessageReceived;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.jspecify.annotations.Nullable;

/**
 * Applies {@link BotRules}, then the entitlement table where the policy says so. The table is a
 * global store: a local read, never a network call.
 */
final class AuthCheck implements FixedKeyProcessor<String, Case, Case> {

    private final EntitlementPolicy entitlements;
    private FixedKeyProcessorContext<String, Case> context;
    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<Entitlement>> grants;

    AuthCheck(EntitlementPolicy entitlements) {
        this.entitlements = entitlements;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Case> context) {
        this.context = context;
        this.grants = context.getStateStore(Auth.ENTITLEMENTS_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Case> record) {
        Case pending = record.value();
        if (pending.decided()) {
            context.forward(record);
            return;
        }
        MessageReceived received = pending.received();
        Optional<Ruling> ruling = BotRules.judge(received.botId(), pending.bot(), received.message());
        if (ruling.isEmpty() && entitlements.appliesTo(received.botId())) {
            ruling = entitlements.judge(entitlementOf(received.message().userId()), received.botId(), record.timestamp());
        }
        context.forward(ruling.map(r -> record.withValue(pending.decide(r))).orElse(record));
    }

    private @Nullable Entitlement entitlementOf(String userId) {
        ValueAndTimestamp<Entitlement> stored = grants.get(userId);
        return stored == null ? null : stored.value();
    }
}
