package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.wecomrelay.schemas.wecom.WecomFixtures;
import io.wecomrelay.schemas.wecom.WecomFixtures.CryptoCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our codec against output of Tencent's official {@code @wecom/crypto} 1.0.1, with both engines. */
class OfficialFixturesTest {

    static Stream<Arguments> cases() {
        return Engines.all().stream()
                .flatMap(engine -> WecomFixtures.officialCrypto().stream().map(c -> Arguments.of(engine.name(), engine, c)));
    }

    private static WecomCrypto crypto(CryptoCase c, AesCbcEngine engine) {
        return new WecomCrypto(c.token(), c.key(), c.receiveId(), engine, new SplittableRandom(1));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void producesByteIdenticalCiphertextGivenTheSameRandomPrefix(String engineName, AesCbcEngine engine, CryptoCase c) {
        assertThat(crypto(c, engine).encrypt(c.msg(), c.random16())).isEqualTo(c.encrypt());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void producesTheOfficialSignature(String engineName, AesCbcEngine engine, CryptoCase c) {
        var crypto = crypto(c, engine);

        assertThat(crypto.signature(c.timestamp(), c.nonce(), c.encrypt())).isEqualTo(c.signature());
        assertThat(WecomSignature.compute(c.token(), c.timestamp(), c.nonce(), c.encrypt())).isEqualTo(c.signature());
        assertThat(crypto.sealReply(c.msg(), c.timestamp(), c.nonce(), c.random16()))
                .satisfies(reply -> {
                    assertThat(reply.encrypt()).isEqualTo(c.encrypt());
                    assertThat(reply.msgSignature()).isEqualTo(c.signature());
                });
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void opensEveryOfficialCiphertext(String engineName, AesCbcEngine engine, CryptoCase c) {
        var crypto = crypto(c, engine);

        assertThat(crypto.decrypt(c.encrypt())).isEqualTo(c.msg());
        assertThat(crypto.openCallback(c.signature(), c.timestamp(), c.nonce(), c.encrypt())).isEqualTo(c.msg());
        assertThat(c.msg().getBytes(StandardCharsets.UTF_8)).hasSize(c.msgBytes());
        assertThat(Base64.getDecoder().decode(c.encrypt())).hasSize(c.paddedLength());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void theUtf8PathsGiveTheSameBytesAsTheStringPaths(String engineName, AesCbcEngine engine, CryptoCase c) {
        var crypto = crypto(c, engine);
        byte[] msg = c.msg().getBytes(StandardCharsets.UTF_8);

        assertThat(crypto.decryptUtf8(c.encrypt())).isEqualTo(msg);
        assertThat(crypto.openCallbackUtf8(c.signature(), c.timestamp(), c.nonce(), c.encrypt())).isEqualTo(msg);
        assertThat(crypto.sealReply(msg, c.timestamp(), c.nonce(), c.random16()))
                .isEqualTo(crypto.sealReply(c.msg(), c.timestamp(), c.nonce(), c.random16()))
                .satisfies(reply -> {
                    assertThat(reply.encrypt()).isEqualTo(c.encrypt());
                    assertThat(reply.msgSignature()).isEqualTo(c.signature());
                });
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void roundTripsWithFreshRandomness(String engineName, AesCbcEngine engine, CryptoCase c) {
        var crypto = crypto(c, engine);

        String first = crypto.encrypt(c.msg());
        String second = crypto.encrypt(c.msg());

        assertThat(first).isNotEqualTo(second);
        assertThat(crypto.decrypt(first)).isEqualTo(c.msg());
        assertThat(crypto.decrypt(second)).isEqualTo(c.msg());
    }

    @Test
    void fixturesCoverEveryBlockBoundaryUpTo257BytesForBothReceiveIds() {
        var cases = WecomFixtures.officialCrypto();
        for (int k = 1; k <= 8; k++) {
            for (int raw : new int[] {32 * k - 1, 32 * k, 32 * k + 1}) {
                assertThat(cases).anyMatch(c -> c.rawLength() == raw && c.receiveId().isEmpty());
            }
        }
        assertThat(cases).anyMatch(c -> c.rawLength() == 64 && !c.receiveId().isEmpty());
        assertThat(cases).anyMatch(c -> c.msg().codePoints().anyMatch(cp -> cp > 0xFFFF));
        assertThat(cases).anyMatch(c -> c.msg().chars().anyMatch(ch -> ch >= 0x4E00 && ch <= 0x9FFF));
    }
}
