package io.wecomrelay.processor.ratelimit;

import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.processor.decision.Case;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The rate-limit step: its store and its processor. The store holds, per bot id, the record times of
 * the messages accepted in the last minute; its changelog is
 * {@code <application id>-rate-limit-store-changelog}, so the limit survives restarts and rebalances.
 */
public final class RateLimit {

    public static final String STORE = "rate-limit-store";

    /** The rule name of {@code RATE_LIMITED} rejections. */
    public static final String RULE = "rate-limit";

    /** The rule name of accepted messages: every rule passed, the rate limit last. */
    public static final String ACCEPT = "accept";

    private RateLimit() {
    }

    public static StoreBuilder<KeyValueStore<String, List<Long>>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), times());
    }

    /**
     * The same store for an isolated run whose state is thrown away ({@code relay replay} under a test driver): in
     * memory (a key-value store answers alike either way) and without a changelog.
     */
    public static StoreBuilder<KeyValueStore<String, List<Long>>> isolatedStoreBuilder() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), times()).withLoggingDisabled();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<List<Long>> times() {
        return (Serde) Serdes.ListSerde(ArrayList.class, Serdes.Long());
    }

    public static FixedKeyProcessorSupplier<String, Case, Case> processor() {
        return RateLimiter::new;
    }
}
