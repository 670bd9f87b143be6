package io.wecomrelay.schemas.wecom.crypto;

import java.util.Arrays;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;

/**
 * Decrypts media downloaded from the URLs in image, file and video callbacks: AES-256-CBC with
 * IV = first 16 key bytes, no random/length/receiveId framing, and lenient PKCS#7 unpadding (strip
 * {@code n} bytes only if the last byte {@code n} is in [1, 32]) because some files arrive with odd
 * padding. Callback mode uses the bot's EncodingAESKey; long-connection mode the per-URL
 * {@code aeskey} ({@link WecomAesKey#fromBase64}). {@link #start} decrypts a download piece by piece
 * as it arrives, so that a file need not be held whole in memory.
 */
public final class MediaCipher {

    private final AesCbcEngine engine;

    public MediaCipher(AesCbcEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * @throws WecomCryptoException {@link WecomError#DECRYPT_AES_ERROR} if the length is not a positive
     *                              multiple of 16 or AES fails
     */
    public byte[] decrypt(WecomAesKey key, byte[] encrypted) {
        if (encrypted.length == 0 || encrypted.length % 16 != 0) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR,
                    "media length must be a positive multiple of 16, got " + encrypted.length);
        }
        byte[] plain;
        try {
            plain = engine.decrypt(key.key(), key.iv(), encrypted);
        } catch (RuntimeException e) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR, "AES decryption of media failed", e);
        }
        int length = Pkcs7.lenientContentLength(plain);
        return length == plain.length ? plain : Arrays.copyOf(plain, length);
    }

    /** A decryption of one file that takes the download in pieces; same result as {@link #decrypt}. */
    public MediaDecryption start(WecomAesKey key) {
        return new MediaDecryption(engine, key);
    }
}
