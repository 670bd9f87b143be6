package io.wecomrelay.schemas.wecom;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A WeCom callback or reply could not be verified, decrypted, parsed or built. Carries the
 * {@link WecomError} so that callers can answer with a 4xx and count failures by reason.
 *
 * <p>Messages name the failed check and, at most, lengths and JSON field names. They never contain
 * the token, the key, the plaintext or the ciphertext, so the exception can be logged as is.
 */
public class WecomCryptoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final WecomError error;

    public WecomCryptoException(WecomError error, String detail) {
        this(error, detail, null);
    }

    /**
     * @param cause only causes whose messages carry no secrets (JCA exceptions do not; Jackson and
     *              Base64 exceptions quote input and must not be passed)
     */
    public WecomCryptoException(WecomError error, String detail, @Nullable Throwable cause) {
        super(Objects.requireNonNull(error, "error").officialName() + "(" + error.code() + "): " + detail, cause);
        this.error = error;
    }

    public WecomError error() {
        return error;
    }

    /** Shorthand for {@code error().code()}. */
    public int code() {
        return error.code();
    }
}
