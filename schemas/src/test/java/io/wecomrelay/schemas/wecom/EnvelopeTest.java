package io.wecomrelay.schemas.wecom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeTest {

    @Test
    void readsTheEncryptFieldAndIgnoresOthers() {
        var envelope = CallbackEnvelope.parse("{\"encrypt\":\"AbC+/=\",\"ToUserName\":\"x\"}");

        assertThat(envelope.encrypt()).isEqualTo("AbC+/=");
        assertThat(CallbackEnvelope.parse("{\"encrypt\":\"AbC+/=\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(envelope);
        assertThat(envelope.toJson()).isEqualTo("{\"encrypt\":\"AbC+/=\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"encrypt\":null}", "{\"encrypt\":42}", "{\"encrypt\":{\"a\":1}}", "[\"encrypt\"]",
        "\"encrypt\"", "", "{\"encrypt\":\"secret-cipher", "<xml><Encrypt>secret-cipher</Encrypt></xml>"})
    void rejectsBodiesWithoutAStringEncryptAsParseJsonError(String body) {
        var error = catchThrowableOfType(WecomCryptoException.class, () -> CallbackEnvelope.parse(body));

        assertThat(error.error()).isEqualTo(WecomError.PARSE_JSON_ERROR);
        assertThat(error.getMessage()).doesNotContain("secret-cipher");
        assertThat(error.getCause()).isNull();
    }

    @Test
    void writesTheReplyEnvelopeWithTimestampAsAString() {
        var reply = new ReplyEnvelope("Q2lwaGVy", "495708c55dbc705887a6ba93c01b5bb23ac85a8a", "1409659813", "1372623149");

        assertThat(reply.toJson()).isEqualTo("{\"encrypt\":\"Q2lwaGVy\",\"msgsignature\":"
                + "\"495708c55dbc705887a6ba93c01b5bb23ac85a8a\",\"timestamp\":\"1409659813\",\"nonce\":\"1372623149\"}");
        assertThat(ReplyEnvelope.parse(reply.toJson())).isEqualTo(reply);
    }

    @Test
    void parsesAReplyWhoseTimestampIsANumber() {
        var reply = ReplyEnvelope.parse("{\"encrypt\":\"e\",\"msgsignature\":\"s\",\"timestamp\":1641002400,\"nonce\":\"n\"}");

        assertThat(reply.timestamp()).isEqualTo("1641002400");
    }

    @Test
    void keepsCiphertextOutOfToString() {
        assertThat(new CallbackEnvelope("Q2lwaGVyVGV4dA==").toString()).doesNotContain("Q2lwaGVyVGV4dA==");
        assertThat(new ReplyEnvelope("Q2lwaGVyVGV4dA==", "s", "1", "n").toString()).doesNotContain("Q2lwaGVyVGV4dA==");
    }

    @Test
    void errorCodesMatchTheOfficialTable() {
        assertThat(WecomError.values()).extracting(WecomError::code)
                .containsExactly(-40001, -40002, -40003, -40004, -40005, -40006, -40007, -40008, -40009, -40010, -40011);
        assertThat(WecomError.fromCode(-40005).officialName()).isEqualTo("ValidateCorpidError");
        assertThat(WecomError.DECODE_BASE64_ERROR.officialName()).isEqualTo("DecodeBase64Error");
    }
}
