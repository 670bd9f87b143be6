package io.wecomrelay.processor.decision;

import java.util.Objects;

import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;

/**
 * The outcome one rule gave a message.
 *
 * @param reason null when the message is accepted
 * @param rule   the rule that decided, recorded in {@code Decision.rule} (e.g. {@code dedup}, {@code auth.deny-list})
 * @param detail a short, secret-free explanation for operators; empty for acceptances
 */
public record Ruling(@Nullable RejectReason reason, String rule, String detail) {

    public Ruling {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }

    public static Ruling accept(String rule) {
        return new Ruling(null, rule, "");
    }

    public static Ruling reject(RejectReason reason, String rule, String detail) {
        return new Ruling(Objects.requireNonNull(reason, "reason"), rule, detail);
    }

    public boolean accepted() {
        return reason == null;
    }
}
