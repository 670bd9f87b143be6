package io.wecomrelay.support.apptoken;

import org.jspecify.annotations.Nullable;

/**
 * No access token could be had. {@code transientFailure} says whether trying later can help (WeCom busy or rate
 * limiting, a network error, another instance's renewal taking too long) or not (a wrong CorpID or Secret, an
 * untrusted IP, a disabled app). The message holds codes and exception types only, never a secret or URL.
 */
public final class AccessTokenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable Integer errcode;
    private final boolean transientFailure;

    public AccessTokenException(@Nullable Integer errcode, boolean transientFailure, String detail) {
        super(detail, null, false, false);
        this.errcode = errcode;
        this.transientFailure = transientFailure;
    }

    /** WeCom's errcode when gettoken answered one. */
    public @Nullable Integer errcode() {
        return errcode;
    }

    public boolean transientFailure() {
        return transientFailure;
    }
}
