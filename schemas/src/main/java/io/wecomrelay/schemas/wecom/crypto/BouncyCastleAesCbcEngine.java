package io.wecomrelay.schemas.wecom.crypto;

import java.security.MessageDigest;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.jspecify.annotations.Nullable;

/**
 * {@link AesCbcEngine} on BouncyCastle's lightweight API ({@code AESEngine.newInstance()} under
 * {@code CBCBlockCipher}); no JCE provider is registered.
 *
 * <p>BouncyCastle ciphers are not thread-safe, so each thread keeps one keyed CBC cipher per
 * direction; {@code reset()} rewinds it to the initial IV without recomputing the key schedule.
 */
public final class BouncyCastleAesCbcEngine implements AesCbcEngine {

    private final ThreadLocal<KeyedCipher> encryptors = ThreadLocal.withInitial(() -> new KeyedCipher(true));
    private final ThreadLocal<KeyedCipher> decryptors = ThreadLocal.withInitial(() -> new KeyedCipher(false));

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
        return "bouncycastle";
    }

    @Override
    public String toString() {
        return "BouncyCastleAesCbcEngine";
    }

    private static final class KeyedCipher {
        private final boolean forEncryption;
        private final CBCModeCipher cipher = CBCBlockCipher.newInstance(AESEngine.newInstance());
        private byte @Nullable [] key;
        private byte @Nullable [] iv;

        KeyedCipher(boolean forEncryption) {
            this.forEncryption = forEncryption;
        }

        byte[] run(byte[] newKey, byte[] newIv, byte[] data) {
            if (sameAsLast(newKey, newIv)) {
                cipher.reset();
            } else {
                key = null;
                cipher.init(forEncryption, new ParametersWithIV(new KeyParameter(newKey), newIv));
                key = newKey.clone();
                iv = newIv.clone();
            }
            byte[] out = new byte[data.length];
            cipher.processBlocks(data, 0, data.length / 16, out, 0);
            return out;
        }

        private boolean sameAsLast(byte[] newKey, byte[] newIv) {
            return key != null && iv != null && MessageDigest.isEqual(key, newKey) && MessageDigest.isEqual(iv, newIv);
        }
    }
}
