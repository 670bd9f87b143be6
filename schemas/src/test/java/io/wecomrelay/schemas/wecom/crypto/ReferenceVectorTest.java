package io.wecomrelay.schemas.wecom.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The test vector of the protocol note, §2.7, written out by hand so it does not depend on the fixture files. */
class ReferenceVectorTest {

    private static final String TOKEN = "QDG6eK";
    private static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static final String TIMESTAMP = "1409659813";
    private static final String NONCE = "1372623149";
    private static final byte[] RANDOM = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String MSG = "{\"msgtype\":\"stream\",\"stream\":{\"id\":\"STREAMID\",\"finish\":true,\"content\":\"hello\"}}";

    private static final String AIBOT_ENCRYPT = "sKqRbbiSUnDhFHOvPjtUMSXj1qEwQbKtD7IDMFTfqEAXJryfp9S6FVDG0WB7BYtWghoXL2N6FKVkQ+GgafV6V2OksTM1kiYq4Z9SDopAl4JsWM0H0LeGz7aqAJqvEN8nyiBnD/WRLZRqwohpLXCUZjdhXej3MaJu/GQk6o5XzqY=";
    private static final String AIBOT_SIGNATURE = "495708c55dbc705887a6ba93c01b5bb23ac85a8a";
    private static final String CORP_ID = "wx5823bf96d3bd56c7";
    private static final String CORP_ENCRYPT = "sKqRbbiSUnDhFHOvPjtUMSXj1qEwQbKtD7IDMFTfqEAXJryfp9S6FVDG0WB7BYtWghoXL2N6FKVkQ+GgafV6V2OksTM1kiYq4Z9SDopAl4JsWM0H0LeGz7aqAJqvEN8niXtYhREcE0Z3suJt4nUhjTUJ9LYrp+rhoqpZHqr92Q0=";
    private static final String CORP_SIGNATURE = "97c3fca164c782eee42b3ae80de0fc9f2b9de108";

    static Iterable<AesCbcEngine> engines() {
        return Engines.all();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aiBotReceiveIdMatchesTheVector(AesCbcEngine engine) {
        var crypto = new WecomCrypto(TOKEN, KEY, "", engine, new SplittableRandom(1));

        var reply = crypto.sealReply(MSG, TIMESTAMP, NONCE, RANDOM);

        assertThat(reply.encrypt()).isEqualTo(AIBOT_ENCRYPT);
        assertThat(reply.msgSignature()).isEqualTo(AIBOT_SIGNATURE);
        assertThat(crypto.openCallback(AIBOT_SIGNATURE, TIMESTAMP, NONCE, AIBOT_ENCRYPT)).isEqualTo(MSG);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void corpIdReceiveIdMatchesTheVector(AesCbcEngine engine) {
        var crypto = new WecomCrypto(TOKEN, KEY, CORP_ID, engine, new SplittableRandom(1));

        var reply = crypto.sealReply(MSG, TIMESTAMP, NONCE, RANDOM);

        assertThat(reply.encrypt()).isEqualTo(CORP_ENCRYPT);
        assertThat(reply.msgSignature()).isEqualTo(CORP_SIGNATURE);
        assertThat(crypto.openCallback(CORP_SIGNATURE, TIMESTAMP, NONCE, CORP_ENCRYPT)).isEqualTo(MSG);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void padsTo32ByteBlocksNot16(AesCbcEngine engine) {
        var crypto = new WecomCrypto(TOKEN, KEY, "", engine, new SplittableRandom(1));
        byte[] ciphertext = Base64.getDecoder().decode(crypto.encrypt(MSG, RANDOM));

        // 16-byte PKCS#7 would give 112 bytes here: the classic incompatibility.
        assertThat(ciphertext).hasSize(128);
        var key = WecomAesKey.fromEncodingAesKey(KEY);
        byte[] frame = engine.decrypt(key.keyBytes(), Arrays.copyOf(key.keyBytes(), 16), ciphertext);
        byte[] padding = Arrays.copyOfRange(frame, 99, 128);
        byte[] expected = new byte[29];
        Arrays.fill(expected, (byte) 0x1d);
        assertThat(padding).isEqualTo(expected);
    }
}
