package io.wecomrelay.processor.auth;

import io.wecomrelay.processor.decision.Case;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;

/** The auth step: its processor and the name of the entitlement table's global store. */
public final class Auth {

    /** The global store materializing {@code wecom.entitlements}, keyed by WeCom user id. */
    public static final String ENTITLEMENTS_STORE = "entitlements-store";

    private Auth() {
    }

    public static FixedKeyProcessorSupplier<String, Case, Case> processor(EntitlementPolicy entitlements) {
        return () -> new AuthCheck(entitlements);
    }
}
