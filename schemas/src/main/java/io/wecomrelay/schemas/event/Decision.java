package io.wecomrelay.schemas.event;

import java.util.Objects;

/**
 * Why the processor decided as it did, so that an auditor can explain every outcome.
 *
 * @param rule          the rule that decided, e.g. {@code dedup}, {@code auth.deny-list}, {@code rate-limit}
 * @param policyVersion a hash of the bot settings in force, {@code BotConfig#policyVersion()}
 */
public record Decision(String rule, String policyVersion) {

    public Decision {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(policyVersion, "policyVersion");
    }
}
