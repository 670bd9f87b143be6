package io.wecomrelay.schemas.wecom.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;

/**
 * Decrypts one media file piece by piece as it downloads, with the same result as
 * {@link MediaCipher#decrypt}: CBC is chained across pieces (each piece's IV is the previous
 * piece's last ciphertext block), a partial block waits for the next piece, and the last 32
 * plaintext bytes are held back until {@link #finish()}, because only then is it known which of
 * them are padding. So every array {@link #update} returns is final content, at least 16 bytes
 * long unless empty. Holds at most 47 bytes between calls. Not thread-safe: one per download.
 */
public final class MediaDecryption {

    private static final int AES_BLOCK = 16;

    private final AesCbcEngine engine;
    private final byte[] key;
    private byte[] iv;
    /** Ciphertext of an incomplete block, at most 15 bytes. */
    private byte[] partial = new byte[0];
    /** Decrypted bytes not handed out yet: the possible padding, at most 32 bytes. */
    private byte[] held = new byte[0];
    private long decrypted;
    private boolean finished;

    MediaDecryption(AesCbcEngine engine, WecomAesKey key) {
        this.engine = engine;
        this.key = key.key();
        this.iv = key.iv();
    }

    /** Takes the next downloaded bytes (the buffer is read to its end) and returns the content they complete. */
    public byte[] update(ByteBuffer encrypted) {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        byte[] input = new byte[partial.length + encrypted.remaining()];
        System.arraycopy(partial, 0, input, 0, partial.length);
        encrypted.get(input, partial.length, input.length - partial.length);
        int whole = input.length - input.length % AES_BLOCK;
        partial = Arrays.copyOfRange(input, whole, input.length);
        if (whole == 0) {
            return new byte[0];
        }
        byte[] blocks = whole == input.length ? input : Arrays.copyOf(input, whole);
        byte[] plain;
        try {
            plain = engine.decrypt(key, iv, blocks);
        } catch (RuntimeException e) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR, "AES decryption of media failed", e);
        }
        iv = Arrays.copyOfRange(blocks, whole - AES_BLOCK, whole);
        decrypted += whole;
        return release(plain);
    }

    /** Same as {@link #update(ByteBuffer)} for an array. */
    public byte[] update(byte[] encrypted) {
        return update(ByteBuffer.wrap(encrypted));
    }

    /**
     * The last content bytes, without the padding (stripped leniently, like {@link MediaCipher}).
     *
     * @throws WecomCryptoException {@link WecomError#DECRYPT_AES_ERROR} if the download was empty or
     *                              not a multiple of 16 bytes
     */
    public byte[] finish() {
        finished = true;
        if (decrypted == 0 || partial.length != 0) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR,
                    "media length must be a positive multiple of 16, got " + (decrypted + partial.length));
        }
        int length = Pkcs7.lenientContentLength(held);
        return Arrays.copyOf(held, length);
    }

    /** Hands out all but the last {@link Pkcs7#BLOCK} bytes decrypted so far. */
    private byte[] release(byte[] plain) {
        int total = held.length + plain.length;
        int keep = Math.min(Pkcs7.BLOCK, total);
        byte[] all = new byte[total];
        System.arraycopy(held, 0, all, 0, held.length);
        System.arraycopy(plain, 0, all, held.length, plain.length);
        held = Arrays.copyOfRange(all, total - keep, total);
        return Arrays.copyOf(all, total - keep);
    }
}
