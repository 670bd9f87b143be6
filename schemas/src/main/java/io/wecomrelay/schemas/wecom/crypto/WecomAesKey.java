package io.wecomrelay.schemas.wecom.crypto;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;

/**
 * A 32-byte AES-256 key and its IV (the first 16 key bytes), as WeCom uses them. Immutable; its
 * {@code toString} never shows the key.
 */
public final class WecomAesKey {

    private static final int KEY_BYTES = 32;
    private static final int ENCODING_AES_KEY_CHARS = 43;

    private final byte[] key;
    private final byte[] iv;

    private WecomAesKey(byte[] key) {
        this.key = key;
        this.iv = Arrays.copyOf(key, 16);
    }

    /**
     * Decodes the 43-character EncodingAESKey from the admin console: {@code base64(key + "=")}.
     *
     * <p>Real keys may have non-zero spare bits in the last character (Tencent's Node and Python
     * libraries ignore them); {@link Base64#getDecoder()} ignores them too, a strict decoder would not.
     *
     * @throws WecomCryptoException {@link WecomError#ILLEGAL_AES_KEY} if the key is not 43 base64
     *                              characters that decode to 32 bytes
     */
    public static WecomAesKey fromEncodingAesKey(String encodingAesKey) {
        Objects.requireNonNull(encodingAesKey, "encodingAesKey");
        if (encodingAesKey.length() != ENCODING_AES_KEY_CHARS) {
            throw new WecomCryptoException(WecomError.ILLEGAL_AES_KEY,
                    "EncodingAESKey must be 43 characters, got " + encodingAesKey.length());
        }
        return of(decode(Base64.getDecoder(), encodingAesKey + "="));
    }

    /**
     * Decodes a per-resource key as sent in long-connection media messages ({@code "aeskey"}):
     * base64 of 32 bytes, standard or URL-safe alphabet, padding optional.
     *
     * @throws WecomCryptoException {@link WecomError#ILLEGAL_AES_KEY} if it does not decode to 32 bytes
     */
    public static WecomAesKey fromBase64(String base64Key) {
        Objects.requireNonNull(base64Key, "base64Key");
        String stripped = base64Key.strip();
        boolean urlSafe = stripped.indexOf('-') >= 0 || stripped.indexOf('_') >= 0;
        return of(decode(urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder(), stripped));
    }

    /**
     * Wraps 32 raw key bytes (copied).
     *
     * @throws WecomCryptoException {@link WecomError#ILLEGAL_AES_KEY} for any other length
     */
    public static WecomAesKey of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new WecomCryptoException(WecomError.ILLEGAL_AES_KEY, "AES key must be 32 bytes, got " + key.length);
        }
        return new WecomAesKey(key.clone());
    }

    /** A copy of the 32 key bytes. */
    public byte[] keyBytes() {
        return key.clone();
    }

    // No-copy views for the engines in this package; never handed out.
    byte[] key() {
        return key;
    }

    byte[] iv() {
        return iv;
    }

    @Override
    public String toString() {
        return "WecomAesKey[redacted]";
    }

    private static byte[] decode(Base64.Decoder decoder, String text) {
        try {
            return decoder.decode(text);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character of the key: do not pass it on.
            throw new WecomCryptoException(WecomError.ILLEGAL_AES_KEY, "key is not valid base64");
        }
    }
}
