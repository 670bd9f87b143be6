package io.wecomrelay.processor.auth;

import java.util.Optional;
import java.util.Set;

import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;

/**
 * Whether a sender's entitlement lets them use a bot at a record's time. Pure.
 *
 * @param enabled false: the table is not consulted at all
 * @param bots    the bot ids that require a grant; empty means every bot
 */
public record EntitlementPolicy(boolean enabled, Set<String> bots) {

    public static final EntitlementPolicy DISABLED = new EntitlementPolicy(false, Set.of());

    public static final String RULE = "auth.entitlement";

    public EntitlementPolicy {
        bots = Set.copyOf(bots);
    }

    public boolean appliesTo(String botId) {
        return enabled && (bots.isEmpty() || bots.contains(botId));
    }

    /** Empty when the entitlement allows the message; otherwise the rejection. */
    Optional<Ruling> judge(@Nullable Entitlement entitlement, String botId, long timestampMs) {
        if (entitlement == null || entitlement.grants().isEmpty()) {
            return Optional.of(Ruling.reject(RejectReason.UNAUTHORIZED, RULE, "sender has no entitlement"));
        }
        boolean covered = false;
        for (Grant grant : entitlement.grants()) {
            if (grant.covers(botId)) {
                if (grant.validAt(timestampMs)) {
                    return Optional.empty();
                }
                covered = true;
            }
        }
        return Optional.of(Ruling.reject(RejectReason.UNAUTHORIZED, RULE,
                covered ? "sender's grant for this bot has expired" : "sender has no grant for this bot"));
    }
}
