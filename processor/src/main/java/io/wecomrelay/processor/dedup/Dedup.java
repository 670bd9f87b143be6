package io.wecomrelay.processor.dedup;

import java.time.Duration;

import io.wecomrelay.processor.decision.Case;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The dedup step: its store and its processor. The store remembers when each (bot id, msgid) was
 * first seen, by record timestamp, for {@code retention}; its changelog is
 * {@code <application id>-dedup-store-changelog}.
 */
public final class Dedup {

    /** The window store of first-seen times, keyed by stream id (a hash of bot id and msgid). */
    public static final String STORE = "dedup-store";

    /** The rule name recorded on {@code DUPLICATE} decisions. */
    public static final String RULE = "dedup";

    private Dedup() {
    }

    public static StoreBuilder<WindowStore<String, Long>> storeBuilder(Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(STORE, retention, retention, false), Serdes.String(), Serdes.Long());
    }

    /**
     * The same store for an isolated run whose state is thrown away ({@code relay replay} under a test driver): in
     * memory, without a changelog, answering as the persistent one ({@link KeyOrderedWindowStore}).
     */
    public static StoreBuilder<WindowStore<String, Long>> isolatedStoreBuilder(Duration retention) {
        return Stores.windowStoreBuilder(KeyOrderedWindowStore.supplier(STORE, retention.toMillis()), Serdes.String(),
                Serdes.Long()).withLoggingDisabled();
    }

    public static FixedKeyProcessorSupplier<String, Case, Case> processor(Duration retention) {
        return () -> new DuplicateFilter(retention);
    }
}
