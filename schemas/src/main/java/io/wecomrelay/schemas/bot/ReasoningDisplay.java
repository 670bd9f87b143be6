package io.wecomrelay.schemas.bot;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What happens to a reasoning model's thinking ({@code <think>…</think>} in the answer, Dify's
 * {@code reasoning_chunk} events) in a bot's final reply ({@code dify.reasoning}). Either way it is shown while the
 * answer streams and never counts against the answer's size.
 */
public enum ReasoningDisplay {
    /** Left out of the final text: the user keeps the answer alone. */
    HIDE,
    /** Kept in the final text, as a marked quote before the answer (shortened when the answer needs the room). */
    SHOW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ReasoningDisplay> fromWire(String value) {
        return Arrays.stream(values()).filter(d -> d.wireName().equals(value.trim().toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}
