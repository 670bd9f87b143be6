package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

import io.wecomrelay.schemas.testing.Concurrently;
import org.junit.jupiter.api.Test;

class WecomSignatureTest {

    @Test
    void sortsTheFourStringsBeforeHashing() throws Exception {
        // Sorted: "1409659813" < "1700000000" < "Zebra" < "apple" (code-unit order: digits, upper, lower).
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest("14096598131700000000Zebraapple".getBytes(StandardCharsets.UTF_8)));

        assertThat(WecomSignature.compute("apple", "1700000000", "1409659813", "Zebra")).isEqualTo(expected);
        assertThat(WecomSignature.compute("Zebra", "1409659813", "apple", "1700000000")).isEqualTo(expected);
    }

    @Test
    void isLowercaseHexOf40Characters() {
        assertThat(WecomSignature.compute("t", "1", "2", "x")).matches("[0-9a-f]{40}");
    }

    @Test
    void hashesUtf8() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest("12ab令牌".getBytes(StandardCharsets.UTF_8)));

        assertThat(WecomSignature.compute("令牌", "1", "2", "ab")).isEqualTo(expected);
    }

    @Test
    void matchesOnlyTheExactSignature() {
        String signature = WecomSignature.compute("t", "1", "2", "x");

        assertThat(WecomSignature.matches(signature, "t", "1", "2", "x")).isTrue();
        assertThat(WecomSignature.matches(signature + "0", "t", "1", "2", "x")).isFalse();
        assertThat(WecomSignature.matches("", "t", "1", "2", "x")).isFalse();
        assertThat(WecomSignature.matches(null, "t", "1", "2", "x")).isFalse();
        assertThat(WecomSignature.matches(signature, "t", "1", "2", null)).isFalse();
    }

    @Test
    void aMismatchAtAnyPositionOrOfAnyKindFails() {
        String signature = WecomSignature.compute("t", "1", "2", "x");
        for (int i = 0; i < signature.length(); i++) {
            for (char c : new char[] {'0', 'f', 'F', 'g', ' ', '\u00e9', '\u4e2d'}) {
                if (c == signature.charAt(i)) {
                    continue;
                }
                String changed = signature.substring(0, i) + c + signature.substring(i + 1);
                assertThat(WecomSignature.matches(changed, "t", "1", "2", "x")).as(changed).isFalse();
            }
        }
        assertThat(WecomSignature.matches(signature.substring(1), "t", "1", "2", "x")).isFalse();
        assertThat(WecomSignature.matches(signature.toUpperCase(Locale.ROOT), "t", "1", "2", "x")).isFalse();
        assertThat(WecomSignature.matches(signature, "t", "1", "2", "x")).isTrue();
    }

    @Test
    void theByteLevelVariantsAgreeWithTheStringOnes() {
        for (String encrypt : new String[] {"x", "1", "t", "2", "令牌", "AbC+/="}) {
            byte[] utf8 = encrypt.getBytes(StandardCharsets.UTF_8);
            String signature = WecomSignature.compute("t", "1", "2", encrypt);

            assertThat(WecomSignature.compute("t", "1", "2", encrypt, utf8)).isEqualTo(signature);
            assertThat(WecomSignature.matches(signature, "t", "1", "2", encrypt, utf8)).isTrue();
            assertThat(WecomSignature.matches(null, "t", "1", "2", encrypt, utf8)).isFalse();
        }
    }

    @Test
    void threadsSigningAtOnceEachGetTheirOwnInputsDigest() throws Exception {
        // the digest is kept per thread: interleaved updates of a shared one would mix the inputs
        assertThat(Concurrently.allHold(8, t -> () -> {
            String token = "token-" + t;
            for (int i = 0; i < 2_000; i++) {
                String encrypt = "cipher-" + i;
                String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(sortedConcat(token, "1700000000", "n" + i, encrypt).getBytes(StandardCharsets.UTF_8)));
                if (!WecomSignature.compute(token, "1700000000", "n" + i, encrypt).equals(expected)
                        || !WecomSignature.matches(expected, token, "1700000000", "n" + i, encrypt)) {
                    return false;
                }
            }
            return true;
        })).isTrue();
    }

    private static String sortedConcat(String... parts) {
        Arrays.sort(parts);
        return String.join("", parts);
    }
}
