package io.wecomrelay.schemas.event;

import java.util.Objects;

/**
 * Why a reply ended badly.
 *
 * @param code        a stable code, e.g. Dify's {@code completion_request_error} or {@code idle_timeout}
 * @param userMessage the sentence shown to the WeCom user; never contains secrets
 */
public record ChunkError(String code, String userMessage) {

    public ChunkError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(userMessage, "userMessage");
    }

    // What the user was shown is part of the reply text, which stays out of logs.
    @Override
    public String toString() {
        return "ChunkError[code=" + code + ", userMessage=<" + userMessage.length() + " chars>]";
    }
}
