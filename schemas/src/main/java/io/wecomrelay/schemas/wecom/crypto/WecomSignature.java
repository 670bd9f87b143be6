package io.wecomrelay.schemas.wecom.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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

    private static final HexFormat HEX = HexFormat.of();

    private WecomSignature() {
    }

    /** Computes the 40-character signature. */
    public static String compute(String token, String timestamp, String nonce, String encrypt) {
        String[] parts = {
            Objects.requireNonNull(token, "token"),
            Objects.requireNonNull(timestamp, "timestamp"),
            Objects.requireNonNull(nonce, "nonce"),
            Objects.requireNonNull(encrypt, "encrypt"),
        };
        Arrays.sort(parts);
        MessageDigest sha1 = sha1();
        for (String part : parts) {
            sha1.update(part.getBytes(StandardCharsets.UTF_8));
        }
        return HEX.formatHex(sha1.digest());
    }

    /**
     * Checks a received signature in constant time (for equal lengths). Null or missing inputs never
     * match, so a request without {@code msg_signature} fails verification instead of throwing.
     */
    public static boolean matches(@Nullable String received, String token, @Nullable String timestamp,
                                  @Nullable String nonce, @Nullable String encrypt) {
        if (received == null || timestamp == null || nonce == null || encrypt == null) {
            return false;
        }
        byte[] expected = compute(token, timestamp, nonce, encrypt).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, received.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new WecomCryptoException(WecomError.COMPUTE_SIGNATURE_ERROR, "SHA-1 is not available", e);
        }
    }
}
