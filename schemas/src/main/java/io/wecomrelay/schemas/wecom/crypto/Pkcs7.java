package io.wecomrelay.schemas.wecom.crypto;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;

/**
 * PKCS#7 padding with WeCom's 32-byte block (not AES's 16): {@code n = 32 - len % 32} bytes of value
 * {@code n}, so an aligned input gets a full block of {@code 0x20}.
 */
final class Pkcs7 {

    static final int BLOCK = 32;

    private Pkcs7() {
    }

    /** Padded length for {@code length} content bytes. */
    static int paddedLength(int length) {
        return length + padLength(length);
    }

    /** Writes the padding for {@code contentLength} bytes into {@code buffer}, right after the content. */
    static void pad(byte[] buffer, int contentLength) {
        int n = padLength(contentLength);
        for (int i = contentLength; i < contentLength + n; i++) {
            buffer[i] = (byte) n;
        }
    }

    /**
     * Content length of a buffer that must be correctly padded: last byte {@code n} in [1, 32], not
     * longer than the buffer, and all {@code n} pad bytes equal to {@code n}. Callbacks use this.
     *
     * @throws WecomCryptoException {@link WecomError#DECRYPT_AES_ERROR} otherwise (typically a wrong key)
     */
    static int strictContentLength(byte[] buffer) {
        int n = buffer[buffer.length - 1] & 0xff;
        if (n < 1 || n > BLOCK || n > buffer.length) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR, "invalid padding length " + n);
        }
        int mismatch = 0;
        for (int i = buffer.length - n; i < buffer.length; i++) {
            mismatch |= (buffer[i] & 0xff) ^ n;
        }
        if (mismatch != 0) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR, "inconsistent padding bytes");
        }
        return buffer.length - n;
    }

    /**
     * Content length as the official Python demo computes it: strip {@code n} bytes if the last byte
     * {@code n} is in [1, 32], otherwise keep everything. Media downloads use this because some files
     * arrive with lengths that are not a multiple of 32.
     */
    static int lenientContentLength(byte[] buffer) {
        int n = buffer[buffer.length - 1] & 0xff;
        return n >= 1 && n <= BLOCK && n <= buffer.length ? buffer.length - n : buffer.length;
    }

    private static int padLength(int length) {
        return BLOCK - length % BLOCK;
    }
}
