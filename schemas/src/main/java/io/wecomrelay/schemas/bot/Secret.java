package io.wecomrelay.schemas.bot;

import java.util.Objects;

/** A credential. Its {@code toString} is masked so that records holding it can be logged safely. */
public record Secret(String value) {

    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** The clear value, for the one place that needs it (a cipher, an Authorization header). */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
