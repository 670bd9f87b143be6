package io.wecomrelay.schemas.wecom.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * {@link AesCbcEngine} on the JDK's {@code AES/CBC/NoPadding} (SunJCE; HotSpot uses AES-NI
 * intrinsics where the CPU has them).
 *
 * <p>{@link Cipher} is not thread-safe, so each thread keeps one initialised cipher per direction.
 * {@code doFinal} resets a cipher to the key and IV of its last {@code init}, so a thread that keeps
 * serving the same bot skips {@code init} (provider checks, key schedule) entirely.
 */
public final class JcaAesCbcEngine implements AesCbcEngine {

    private final ThreadLocal<KeyedCipher> encryptors = ThreadLocal.withInitial(() -> new KeyedCipher(Cipher.ENCRYPT_MODE));
    private final ThreadLocal<KeyedCipher> decryptors = ThreadLocal.withInitial(() -> new KeyedCipher(Cipher.DECRYPT_MODE));

    @Override
    public byte[] encrypt(byte[] key, byte[] iv, byte[] plaintext) {
        AesCbcEngine.checkArguments(key, iv, plaintext);
        return encryptors.get().run(key, iv, plaintext);
    }

    @Override
    public byte[] decrypt(byte[] key, byte[] iv, byte[] ciphertext) {
        AesCbcEngine.checkArguments(key, iv, ciphertext);
        return decryptors.get().run(key, iv, ciphertext);
    }

    @Override
    public String name() {
        return "jca";
    }

    @Override
    public String toString() {
        return "JcaAesCbcEngine";
    }

    private static final class KeyedCipher {
        private final int mode;
        private final Cipher cipher;
        private byte @Nullable [] key;
        private byte @Nullable [] iv;

        KeyedCipher(int mode) {
            this.mode = mode;
            try {
                this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks AES/CBC/NoPadding", e);
            }
        }

        byte[] run(byte[] newKey, byte[] newIv, byte[] data) {
            try {
                if (!sameAsLast(newKey, newIv)) {
                    // Clear first: if init fails, the next call must not trust the old key.
                    key = null;
                    cipher.init(mode, new SecretKeySpec(newKey, "AES"), new IvParameterSpec(newIv));
                    key = newKey.clone();
                    iv = newIv.clone();
                }
                return cipher.doFinal(data);
            } catch (GeneralSecurityException e) {
                key = null;
                throw new IllegalStateException("AES/CBC failed", e);
            }
        }

        private boolean sameAsLast(byte[] newKey, byte[] newIv) {
            return key != null && iv != null && MessageDigest.isEqual(key, newKey) && MessageDigest.isEqual(iv, newIv);
        }
    }
}
