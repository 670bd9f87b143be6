package io.wecomrelay.schemas.wecom.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.jspecify.annotations.Nullable;

/**
 * WeCom's message signature: lowercase hex SHA-1 over the four strings token, timestamp, nonce and
 * ciphertext, sorted lexicographically ({@link String#compareTo}, as the official libraries'
 * {@code sort()}) and concatenated without separators, encoded as UTF-8.
 */
public final class WecomSignature {

    private static final int DIGEST_BYTES = 20;
    private static final int HEX_CHARS = 2 * DIGEST_BYTES;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /**
     * One SHA-1 per thread: looking a digest up in the security providers was 2.3 % of ingress's event-loop samples,
     * two signatures per callback. A digest is not thread-safe; each thread only ever uses its own, and
     * {@link MessageDigest#digest()} resets it (its buffer cleared) before the next use.
     */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(WecomSignature::newSha1);

    private WecomSignature() {
    }

    /** Computes the 40-character signature. */
    public static String compute(String token, String timestamp, String nonce, String encrypt) {
        return compute(token, timestamp, nonce, encrypt, utf8(encrypt));
    }

    /** {@link #compute} when the caller already holds {@code encrypt} as UTF-8 (it is long: skip a copy). */
    static String compute(String token, String timestamp, String nonce, String encrypt, byte[] encryptUtf8) {
        byte[] digest = digest(token, timestamp, nonce, encrypt, encryptUtf8);
        byte[] hex = new byte[HEX_CHARS];
        for (int i = 0; i < DIGEST_BYTES; i++) {
            hex[2 * i] = HEX_DIGITS[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX_DIGITS[digest[i] & 0xf];
        }
        return new String(hex, StandardCharsets.US_ASCII);
    }

    /**
     * Checks a received signature in constant time (for equal lengths). Null or missing inputs never
     * match, so a request without {@code msg_signature} fails verification instead of throwing. Only
     * the exact lowercase hex matches, as with the official libraries' string comparison.
     */
    public static boolean matches(@Nullable String received, String token, @Nullable String timestamp,
                                  @Nullable String nonce, @Nullable String encrypt) {
        if (received == null || timestamp == null || nonce == null || encrypt == null) {
            return false;
        }
        return matches(received, token, timestamp, nonce, encrypt, encrypt.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #matches} when the caller already holds {@code encrypt} as UTF-8. */
    static boolean matches(@Nullable String received, String token, @Nullable String timestamp, @Nullable String nonce,
                           String encrypt, byte[] encryptUtf8) {
        if (received == null || timestamp == null || nonce == null) {
            return false;
        }
        byte[] digest = digest(token, timestamp, nonce, encrypt, encryptUtf8);
        if (received.length() != HEX_CHARS) {
            return false;
        }
        // Compares the received characters with the digest's hex digits without formatting a string;
        // every character is looked at whatever the mismatches, so timing does not reveal where they are.
        int difference = 0;
        for (int i = 0; i < DIGEST_BYTES; i++) {
            difference |= received.charAt(2 * i) ^ HEX_DIGITS[(digest[i] >> 4) & 0xf];
            difference |= received.charAt(2 * i + 1) ^ HEX_DIGITS[digest[i] & 0xf];
        }
        return difference == 0;
    }

    private static byte[] digest(String token, String timestamp, String nonce, String encrypt, byte[] encryptUtf8) {
        String[] parts = {
            Objects.requireNonNull(token, "token"),
            Objects.requireNonNull(timestamp, "timestamp"),
            Objects.requireNonNull(nonce, "nonce"),
            Objects.requireNonNull(encrypt, "encrypt"),
        };
        Arrays.sort(parts);
        MessageDigest sha1 = SHA1.get();
        sha1.reset(); // a no-op after digest(); only a failure between update and digest could leave state behind
        for (String part : parts) {
            // The same bytes as utf8(part) either way; this only skips encoding the long ciphertext twice.
            sha1.update(part == encrypt ? encryptUtf8 : utf8(part));
        }
        return sha1.digest();
    }

    private static byte[] utf8(String text) {
        return Objects.requireNonNull(text, "encrypt").getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new WecomCryptoException(WecomError.COMPUTE_SIGNATURE_ERROR, "SHA-1 is not available", e);
        }
    }
}
