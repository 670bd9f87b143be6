package io.wecomrelay.llm.identity;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/** What the auth service (or the cache) says about one user: a token, or no. */
public sealed interface IdentityAnswer {

    /**
     * @param value     the token, passed to Dify only
     * @param expiresIn how long the service says it is valid, or null when it did not say
     */
    record Token(String value, @Nullable Duration expiresIn) implements IdentityAnswer {

        public Token {
            Objects.requireNonNull(value, "value");
        }

        // the token is a credential of the user's: never printed
        @Override
        public String toString() {
            return "Token[****, expiresIn=" + expiresIn + "]";
        }
    }

    /** @param reason the service's short reason ({@code [a-z0-9_.-]}, at most 64), or {@code refused} */
    record Refused(String reason) implements IdentityAnswer {

        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
