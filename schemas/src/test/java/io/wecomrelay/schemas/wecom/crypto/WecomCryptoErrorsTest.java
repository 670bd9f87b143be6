package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure is a typed error with the official code, and no message gives away a secret or the payload. */
class WecomCryptoErrorsTest {

    private static final String TOKEN = "QDG6eK";
    private static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static final String OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final String SECRET_TEXT = "{\"text\":{\"content\":\"very private\"}}";

    private final AesCbcEngine engine = new JcaAesCbcEngine();
    private final WecomCrypto crypto = new WecomCrypto(TOKEN, KEY, "", engine, new SplittableRandom(7));
    private final WecomAesKey key = WecomAesKey.fromEncodingAesKey(KEY);

    @Test
    void rejectsAWrongSignature() {
        String encrypt = crypto.encrypt(SECRET_TEXT);
        String signature = crypto.signature("1700000000", "42", encrypt);
        String tampered = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);

        assertError(() -> crypto.openCallback(tampered, "1700000000", "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallback(signature, "1700000001", "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallback(signature.toUpperCase(Locale.ROOT), "1700000000", "42", encrypt),
                WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallback(null, "1700000000", "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallback(signature, null, "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallback(signature, "1700000000", "42", null), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertThat(crypto.verify(signature, "1700000000", "42", encrypt)).isTrue();

        assertError(() -> crypto.openCallbackUtf8(tampered, "1700000000", "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallbackUtf8(null, "1700000000", "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallbackUtf8(signature, null, "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallbackUtf8(signature, "1700000000", null, encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertError(() -> crypto.openCallbackUtf8(signature, "1700000000", "42", null), WecomError.VALIDATE_SIGNATURE_ERROR);
        assertThat(crypto.openCallbackUtf8(signature, "1700000000", "42", encrypt))
                .isEqualTo(SECRET_TEXT.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsASignatureMadeWithAnotherToken() {
        String encrypt = crypto.encrypt(SECRET_TEXT);
        String foreign = WecomSignature.compute("otherToken", "1700000000", "42", encrypt);

        assertError(() -> crypto.openCallback(foreign, "1700000000", "42", encrypt), WecomError.VALIDATE_SIGNATURE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "abcde", "YWJj ZGVm", "%%%%", "YWJj\nZGVm"})
    void rejectsBadBase64(String encrypt) {
        assertError(() -> crypto.decrypt(encrypt), WecomError.DECODE_BASE64_ERROR);
        assertError(() -> crypto.decryptUtf8(encrypt), WecomError.DECODE_BASE64_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"QUJD\u00e9", "QUJD\u4e2d", "\u00c0\u00c1\u00c2\u00c3"})
    void rejectsNonAsciiCharactersAsBadBase64AfterASignatureOverTheirUtf8(String encrypt) {
        String signature = crypto.signature("1700000000", "42", encrypt);

        assertError(() -> crypto.openCallback(signature, "1700000000", "42", encrypt), WecomError.DECODE_BASE64_ERROR);
        assertError(() -> crypto.openCallbackUtf8(signature, "1700000000", "42", encrypt), WecomError.DECODE_BASE64_ERROR);
    }

    @Test
    void rejectsPlusSignsTurnedIntoSpacesByADoubleUrlDecode() {
        String encrypt = crypto.encrypt(SECRET_TEXT);
        while (encrypt.indexOf('+') < 0) {
            encrypt = crypto.encrypt(SECRET_TEXT);
        }
        String mangled = encrypt.replace('+', ' ');

        assertError(() -> crypto.decrypt(mangled), WecomError.DECODE_BASE64_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 17, 20, 31, 33, 100})
    void rejectsCiphertextsThatAreNotAPositiveMultipleOf16(int length) {
        String encrypt = Base64.getEncoder().encodeToString(new byte[length]);

        assertError(() -> crypto.decrypt(encrypt), WecomError.DECRYPT_AES_ERROR);
        assertError(() -> crypto.decryptUtf8(encrypt), WecomError.DECRYPT_AES_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 33, 255})
    void rejectsAPadByteOutsideOneTo32(int padByte) {
        byte[] frame = validFrame("hello");
        frame[frame.length - 1] = (byte) padByte;

        assertError(() -> crypto.decrypt(seal(frame)), WecomError.DECRYPT_AES_ERROR);
    }

    @Test
    void rejectsInconsistentPadBytes() {
        byte[] frame = validFrame("hello");
        int pad = frame[frame.length - 1];
        assertThat(pad).isGreaterThan(1);
        frame[frame.length - pad] = (byte) (pad + 1);

        assertError(() -> crypto.decrypt(seal(frame)), WecomError.DECRYPT_AES_ERROR);
        assertError(() -> crypto.decryptUtf8(seal(frame)), WecomError.DECRYPT_AES_ERROR);
    }

    @Test
    void acceptsABareHeaderButNotAPadThatReachesIntoIt() {
        byte[] frame = new byte[32];
        Arrays.fill(frame, 20, 32, (byte) 12);
        frame[19] = 0;

        assertThat(crypto.decrypt(seal(frame))).isEmpty();
        frame[31] = 16;
        assertError(() -> crypto.decrypt(seal(frame)), WecomError.DECRYPT_AES_ERROR);
    }

    @Test
    void rejectsALengthFieldBeyondTheBuffer() {
        byte[] frame = validFrame("hello");
        frame[19] = 6;
        assertError(() -> crypto.decrypt(seal(frame)), WecomError.ILLEGAL_BUFFER);
        assertError(() -> crypto.decryptUtf8(seal(frame)), WecomError.ILLEGAL_BUFFER);

        frame[16] = (byte) 0xff;
        frame[17] = (byte) 0xff;
        frame[18] = (byte) 0xff;
        frame[19] = (byte) 0xff;
        assertError(() -> crypto.decrypt(seal(frame)), WecomError.ILLEGAL_BUFFER);

        frame[16] = (byte) 0x80;
        assertError(() -> crypto.decrypt(seal(frame)), WecomError.ILLEGAL_BUFFER);
    }

    @Test
    void rejectsAFrameShorterThanItsHeader() {
        byte[] frame = new byte[32];
        Arrays.fill(frame, 16, 32, (byte) 16);

        assertError(() -> crypto.decrypt(seal(frame)), WecomError.ILLEGAL_BUFFER);
    }

    @Test
    void rejectsAForeignReceiveId() {
        var app = new WecomCrypto(TOKEN, KEY, "wx5823bf96d3bd56c7", engine, new SplittableRandom(7));
        var otherApp = new WecomCrypto(TOKEN, KEY, "wwOtherCorp", engine, new SplittableRandom(7));

        assertError(() -> crypto.decrypt(app.encrypt(SECRET_TEXT)), WecomError.VALIDATE_CORPID_ERROR);
        assertError(() -> crypto.decryptUtf8(app.encrypt(SECRET_TEXT)), WecomError.VALIDATE_CORPID_ERROR);
        assertError(() -> app.decrypt(crypto.encrypt(SECRET_TEXT)), WecomError.VALIDATE_CORPID_ERROR);
        assertError(() -> otherApp.decrypt(app.encrypt(SECRET_TEXT)), WecomError.VALIDATE_CORPID_ERROR);
        assertThat(app.decrypt(app.encrypt(SECRET_TEXT))).isEqualTo(SECRET_TEXT);
    }

    @Test
    void aWrongKeyFailsAsADecryptionError() {
        var other = new WecomCrypto(TOKEN, OTHER_KEY, "", engine, new SplittableRandom(7));
        int failures = 0;
        for (int i = 0; i < 50; i++) {
            String encrypt = crypto.encrypt(SECRET_TEXT + i);
            var error = catchThrowableOfType(WecomCryptoException.class, () -> other.decrypt(encrypt));
            // Garbage that happens to look padded fails later, on the length field or the receive id.
            assertThat(error.error()).isIn(WecomError.DECRYPT_AES_ERROR, WecomError.ILLEGAL_BUFFER,
                    WecomError.VALIDATE_CORPID_ERROR);
            failures += error.error() == WecomError.DECRYPT_AES_ERROR ? 1 : 0;
        }
        assertThat(failures).isGreaterThan(40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "short", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2CC",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2=", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B-C",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B!C"})
    void rejectsAMalformedEncodingAesKey(String badKey) {
        assertError(() -> new WecomCrypto(TOKEN, badKey, "", engine, new SplittableRandom(7)), WecomError.ILLEGAL_AES_KEY);
    }

    @Test
    void ignoresTheSpareBitsOfTheLastKeyCharacterLikeTheOfficialLibraries() {
        // 'C' and 'A' differ only in the two bits that 43 characters + '=' leave over.
        String canonical = KEY.substring(0, 42) + "A";

        assertThat(WecomAesKey.fromEncodingAesKey(KEY).keyBytes()).isEqualTo(WecomAesKey.fromEncodingAesKey(canonical).keyBytes());
    }

    @Test
    void rejectsARandomPrefixOfTheWrongSize() {
        assertThatThrownBy(() -> crypto.encrypt("x", new byte[15])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsNeitherTokenNorKey() {
        assertThat(crypto.toString()).doesNotContain(TOKEN).doesNotContain(KEY).contains("jca");
        assertThat(key.toString()).doesNotContain(KEY);
    }

    private byte[] validFrame(String msg) {
        byte[] frame = PlaintextFrame.pack(new byte[16], msg.getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertThat(crypto.decrypt(seal(frame))).isEqualTo(msg);
        return frame;
    }

    private String seal(byte[] frame) {
        return Base64.getEncoder().encodeToString(engine.encrypt(key.key(), key.iv(), frame));
    }

    private static void assertError(Executable call, WecomError expected) {
        var error = catchThrowableOfType(WecomCryptoException.class, call::execute);
        assertThat(error).as("expected %s", expected).isNotNull();
        assertThat(error.error()).isEqualTo(expected);
        assertThat(error.code()).isEqualTo(expected.code());
        assertThat(error.getMessage())
                .startsWith(expected.officialName() + "(" + expected.code() + ")")
                .doesNotContain(TOKEN).doesNotContain(KEY).doesNotContain("very private");
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(TOKEN).doesNotContain(KEY);
        }
    }
}
