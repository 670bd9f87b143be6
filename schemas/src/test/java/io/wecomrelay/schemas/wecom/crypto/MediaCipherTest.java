package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Downloaded media: same key and IV, no framing, lenient unpadding. */
class MediaCipherTest {

    private static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private final WecomAesKey key = WecomAesKey.fromEncodingAesKey(KEY);
    private final SplittableRandom random = new SplittableRandom(3);

    static Iterable<AesCbcEngine> engines() {
        return Engines.all();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void stripsPkcs7PaddingTo32(AesCbcEngine engine) {
        var crypto = new WecomCrypto("t", KEY, "", engine, random);
        for (int size : new int[] {1, 31, 32, 33, 1000, 4096}) {
            byte[] file = bytes(size);
            byte[] padded = Arrays.copyOf(file, size + 32 - size % 32);
            Arrays.fill(padded, size, padded.length, (byte) (padded.length - size));

            assertThat(crypto.decryptMedia(engine.encrypt(key.key(), key.iv(), padded))).isEqualTo(file);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void keepsDataWhoseLastByteIsNotAPadLength(AesCbcEngine engine) {
        var crypto = new WecomCrypto("t", KEY, "", engine, random);
        byte[] data = bytes(48);
        for (int last : new int[] {0, 33, 0x7f, 0xff}) {
            data[47] = (byte) last;
            assertThat(crypto.decryptMedia(engine.encrypt(key.key(), key.iv(), data))).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void stripsAPadLengthWithoutCheckingThePadBytes(AesCbcEngine engine) {
        // Lenient like the official Python demo: a 16-byte-padded file (length not a multiple of 32) still opens.
        var crypto = new WecomCrypto("t", KEY, "", engine, random);
        byte[] data = bytes(48);
        data[47] = 16;

        assertThat(crypto.decryptMedia(engine.encrypt(key.key(), key.iv(), data))).isEqualTo(Arrays.copyOf(data, 32));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void rejectsMediaThatIsNotBlockAligned(AesCbcEngine engine) {
        var crypto = new WecomCrypto("t", KEY, "", engine, random);
        for (int size : new int[] {0, 1, 15, 17}) {
            var error = catchThrowableOfType(WecomCryptoException.class, () -> crypto.decryptMedia(new byte[size]));
            assertThat(error.error()).isEqualTo(WecomError.DECRYPT_AES_ERROR);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void decryptsLongConnectionMediaWithThePerUrlKey(AesCbcEngine engine) {
        byte[] raw = bytes(32);
        var standard = WecomAesKey.fromBase64(Base64.getEncoder().encodeToString(raw));
        var urlSafeUnpadded = WecomAesKey.fromBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        byte[] file = bytes(100);
        byte[] padded = Arrays.copyOf(file, 128);
        Arrays.fill(padded, 100, 128, (byte) 28);

        byte[] encrypted = engine.encrypt(raw, Arrays.copyOf(raw, 16), padded);

        assertThat(new MediaCipher(engine).decrypt(standard, encrypted)).isEqualTo(file);
        assertThat(new MediaCipher(engine).decrypt(urlSafeUnpadded, encrypted)).isEqualTo(file);
        assertThat(catchThrowableOfType(WecomCryptoException.class, () -> WecomAesKey.fromBase64("AAAA")).error())
                .isEqualTo(WecomError.ILLEGAL_AES_KEY);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
