package io.wecomrelay.processor.auth;

import java.util.List;
import java.util.Objects;

/**
 * The value of a {@code wecom.entitlements} record: what one WeCom user (the record key) may use.
 * A tombstone removes every grant.
 * <pre>
 * { "grants": [ { "bot": "aib-sales", "until": "2027-06-30T16:00:00Z" }, { "bot": "aib-help" } ] }
 * </pre>
 */
public record Entitlement(List<Grant> grants) {

    /** No grants: what an unreadable value counts as (fail closed). */
    public static final Entitlement NONE = new Entitlement(List.of());

    public Entitlement {
        // a value without "grants" has none
        grants = List.copyOf(Objects.requireNonNullElse(grants, List.of()));
    }
}
