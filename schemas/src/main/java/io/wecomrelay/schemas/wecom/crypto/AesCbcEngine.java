package io.wecomrelay.schemas.wecom.crypto;

/**
 * Raw AES-CBC over whole blocks: no padding, no framing. Implementations must be thread-safe and
 * must not keep references to the arrays they are given beyond the call (other than a private copy
 * used to recognise a repeated key).
 *
 * <p>Inputs: {@code key} of 16, 24 or 32 bytes (WeCom uses 32), {@code iv} of 16 bytes, and data
 * whose length is a positive multiple of 16. A violation is an {@link IllegalArgumentException}.
 */
public interface AesCbcEngine {

    /** Encrypts block-aligned {@code plaintext}; the result has the same length. */
    byte[] encrypt(byte[] key, byte[] iv, byte[] plaintext);

    /** Decrypts block-aligned {@code ciphertext}; the result has the same length. */
    byte[] decrypt(byte[] key, byte[] iv, byte[] ciphertext);

    /** Short name for logs and benchmarks, e.g. {@code jca}. */
    String name();

    /** Checks the contract above; shared by the implementations. */
    static void checkArguments(byte[] key, byte[] iv, byte[] data) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes, got " + key.length);
        }
        if (iv.length != 16) {
            throw new IllegalArgumentException("IV must be 16 bytes, got " + iv.length);
        }
        if (data.length == 0 || data.length % 16 != 0) {
            throw new IllegalArgumentException("data must be a positive multiple of 16 bytes, got " + data.length);
        }
    }
}
