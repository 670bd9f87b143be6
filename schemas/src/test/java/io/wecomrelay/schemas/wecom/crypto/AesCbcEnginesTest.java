package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The JDK and BouncyCastle engines are interchangeable. */
class AesCbcEnginesTest {

    private final AesCbcEngine jca = new JcaAesCbcEngine();
    private final AesCbcEngine bc = new BouncyCastleAesCbcEngine();
    private final SplittableRandom random = new SplittableRandom(2026);

    @Test
    void bothEnginesGiveIdenticalResultsForRandomKeysIvsAndLengths() {
        for (int i = 0; i < 300; i++) {
            byte[] key = bytes(32);
            byte[] iv = bytes(16);
            byte[] plain = bytes(16 * (1 + random.nextInt(200)));

            byte[] viaJca = jca.encrypt(key, iv, plain);
            byte[] viaBc = bc.encrypt(key, iv, plain);

            assertThat(viaBc).isEqualTo(viaJca);
            assertThat(jca.decrypt(key, iv, viaBc)).isEqualTo(plain);
            assertThat(bc.decrypt(key, iv, viaJca)).isEqualTo(plain);
        }
    }

    @Test
    void switchingKeysOnOneThreadNeverReusesTheOldKey() {
        byte[] keyA = bytes(32);
        byte[] keyB = bytes(32);
        byte[] iv = bytes(16);
        byte[] plain = bytes(64);
        for (AesCbcEngine engine : List.of(jca, bc)) {
            byte[] a1 = engine.encrypt(keyA, iv, plain);
            byte[] b = engine.encrypt(keyB, iv, plain);
            byte[] a2 = engine.encrypt(keyA, iv, plain);

            assertThat(b).isNotEqualTo(a1);
            assertThat(a2).isEqualTo(a1);
            assertThat(engine.decrypt(keyB, iv, b)).isEqualTo(plain);
            assertThat(engine.decrypt(keyA, iv, a1)).isEqualTo(plain);
        }
    }

    @Test
    void aCallerMutatingItsKeyArrayAfterwardsDoesNotAffectTheCache() {
        byte[] key = bytes(32);
        byte[] original = key.clone();
        byte[] iv = bytes(16);
        byte[] plain = bytes(32);
        for (AesCbcEngine engine : List.of(jca, bc)) {
            byte[] expected = engine.encrypt(original, iv, plain);
            key[0] ^= 1;
            assertThat(engine.encrypt(key, iv, plain)).isNotEqualTo(expected);
            key[0] ^= 1;
            assertThat(engine.encrypt(key, iv, plain)).isEqualTo(expected);
        }
    }

    @Test
    void enginesAreSafeToShareBetweenThreads() throws Exception {
        byte[] key = bytes(32);
        byte[] iv = bytes(16);
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            inputs.add(bytes(16 * (1 + i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (AesCbcEngine engine : List.of(jca, bc)) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int round = 0; round < 8; round++) {
                    for (byte[] plain : inputs) {
                        results.add(pool.submit(() -> Arrays.equals(engine.decrypt(key, iv, engine.encrypt(key, iv, plain)), plain)));
                    }
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get()).isTrue();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsUnalignedDataAndWrongKeyOrIvSizes() {
        for (AesCbcEngine engine : List.of(jca, bc)) {
            assertThatThrownBy(() -> engine.encrypt(bytes(32), bytes(16), bytes(15))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> engine.decrypt(bytes(32), bytes(16), new byte[0])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> engine.encrypt(bytes(31), bytes(16), bytes(16))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> engine.encrypt(bytes(32), bytes(8), bytes(16))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void defaultEngineIsOneOfTheTwo() {
        assertThat(AesCbcEngines.defaultEngine().name()).isIn("jca", "bouncycastle");
        assertThat(AesCbcEngines.jca().name()).isEqualTo("jca");
        assertThat(AesCbcEngines.bouncyCastle().name()).isEqualTo("bouncycastle");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
