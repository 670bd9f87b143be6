package io.wecomrelay.schemas.event;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Why a reply ended badly.
 *
 * @param code        a stable code, e.g. Dify's {@code completion_request_error} or {@code idle_timeout}
 * @param userMessage the sentence shown to the WeCom user; never contains secrets
 * @param detail      a short secret-free code saying more than {@code code}, for auditors (e.g. the auth service's
 *                    reason for an {@code identity_refused}), or null
 */
public record ChunkError(String code, String userMessage, @Nullable String detail) {

    public ChunkError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(userMessage, "userMessage");
    }

    /** An error without detail. */
    public ChunkError(String code, String userMessage) {
        this(code, userMessage, null);
    }

    // What the user was shown is part of the reply text, which stays out of logs.
    @Override
    public String toString() {
        return "ChunkError[code=" + code + ", userMessage=<" + userMessage.length() + " chars>, detail=" + detail + "]";
    }
}
