package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Piecewise decryption gives exactly what whole-file decryption gives, however the download is cut. */
class MediaDecryptionTest {

    private static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private final WecomAesKey key = WecomAesKey.fromEncodingAesKey(KEY);
    private final SplittableRandom random = new SplittableRandom(7);

    static Iterable<AesCbcEngine> engines() {
        return Engines.all();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void anyCutOfTheDownloadDecryptsLikeTheWholeFile(AesCbcEngine engine) {
        var cipher = new MediaCipher(engine);
        for (int size : new int[] {0, 1, 15, 16, 31, 32, 33, 47, 48, 1000, 70_000}) {
            byte[] encrypted = encrypt(engine, bytes(size));
            for (int round = 0; round < 20; round++) {
                var decryption = cipher.start(key);
                var out = new ByteArrayOutputStream();
                int offset = 0;
                while (offset < encrypted.length) {
                    int piece = Math.min(encrypted.length - offset, random.nextInt(1, 3000));
                    byte[] content = decryption.update(Arrays.copyOfRange(encrypted, offset, offset + piece));
                    assertThat(content.length == 0 || content.length >= 16).as("enough for magic bytes").isTrue();
                    out.writeBytes(content);
                    offset += piece;
                }
                out.writeBytes(decryption.finish());

                assertThat(out.toByteArray()).as("size %d", size).isEqualTo(cipher.decrypt(key, encrypted));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void holdsBackThePossiblePaddingUntilTheEnd(AesCbcEngine engine) {
        byte[] file = bytes(100);
        byte[] encrypted = encrypt(engine, file);
        var decryption = new MediaCipher(engine).start(key);

        byte[] first = decryption.update(encrypted);

        assertThat(first).isEqualTo(Arrays.copyOf(file, encrypted.length - 32));
        assertThat(decryption.finish()).isEqualTo(Arrays.copyOfRange(file, encrypted.length - 32, 100));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void anEmptyOrUnalignedDownloadFailsAtTheEnd(AesCbcEngine engine) {
        for (int size : new int[] {0, 1, 15, 17, 1001}) {
            var decryption = new MediaCipher(engine).start(key);
            decryption.update(new byte[size]);
            var error = catchThrowableOfType(WecomCryptoException.class, decryption::finish);
            assertThat(error.error()).isEqualTo(WecomError.DECRYPT_AES_ERROR);
        }
    }

    private byte[] encrypt(AesCbcEngine engine, byte[] file) {
        int pad = 32 - file.length % 32;
        byte[] padded = Arrays.copyOf(file, file.length + pad);
        Arrays.fill(padded, file.length, padded.length, (byte) pad);
        return engine.encrypt(key.key(), key.iv(), padded);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
