package io.wecomrelay.sim.dify;

import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/** Dify's {@code Authorization: Bearer <app key>} check, with Dify's 401 messages. */
final class BearerAuth {

    private final Set<String> keys;

    BearerAuth(Set<String> keys) {
        this.keys = Set.copyOf(keys);
    }

    /** The accepted key, or an {@link ApiErrorException} with a 401. */
    String authenticate(@Nullable String header) {
        if (header == null || header.indexOf(' ') < 0) {
            throw new ApiErrorException(ApiError.unauthorized(
                    "Authorization header must be provided and start with 'Bearer'"));
        }
        var space = header.indexOf(' ');
        if (!header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            throw new ApiErrorException(ApiError.unauthorized("Authorization scheme must be 'Bearer'"));
        }
        var key = header.substring(space + 1).trim();
        if (!keys.contains(key)) {
            throw new ApiErrorException(ApiError.unauthorized("Access token is invalid"));
        }
        return key;
    }

    /** The key from the header, masked for logs and recordings: {@code app-…-key}, or {@code ****}. */
    static String hint(@Nullable String header) {
        if (header == null) return "";
        var key = header.substring(header.indexOf(' ') + 1).trim();
        return key.length() <= 8 ? "****" : key.substring(0, 4) + "…" + key.substring(key.length() - 4);
    }
}
