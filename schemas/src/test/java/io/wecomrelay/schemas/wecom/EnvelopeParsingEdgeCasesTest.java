package io.wecomrelay.schemas.wecom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link CallbackEnvelope#parse} reads the plain {@code {"encrypt":"BASE64"}} body without a JSON tree
 * and everything else with a streaming parser; both must give exactly what a JSON tree gives, from a
 * string and from UTF-8 bytes, and fail with {@code ParseJsonError} exactly where the tree fails.
 */
class EnvelopeParsingEdgeCasesTest {

    // Long enough for the shortcut (it only vets runs of 64 characters or more), with padding.
    private static final String B64 = Base64.getEncoder().encodeToString(bytes(1100, 1));
    private static final String OTHER_B64 = Base64.getEncoder().encodeToString(bytes(100, 2));

    static Stream<String> readableBodies() {
        return Stream.of(
                "{\"encrypt\":\"" + B64 + "\"}",
                " \t\r\n{ \n\"encrypt\"\t:\r \"" + B64 + "\" \n}\r\n\t ",
                "{\"encrypt\":\"" + B64.substring(0, 64) + "\"}",
                "{\"encrypt\":\"AbC+/=\"}",
                "{\"encrypt\":\"\"}",
                // escapes: the shortcut must step aside and the parser unescape
                "{\"encrypt\":\"" + B64.substring(0, 100) + "\\/" + B64.substring(100) + "\"}",
                "{\"encrypt\":\"\\u0041" + B64 + "\"}",
                "{\"encrypt\":\"" + B64 + "\\n\"}",
                "{\"encrypt\":\"" + B64 + "\\\"\"}",
                // not base64 but a valid JSON string: read as is, decryption reports it later
                "{\"encrypt\":\"" + B64.replace('A', '-') + "\"}",
                "{\"encrypt\":\"" + B64 + "?\"}",
                "{\"encrypt\":\"密文" + B64 + "\"}",
                "{\"encrypt\":\"" + B64 + "é\"}",
                "{\"encrypt\":\"" + B64 + "😀\"}",
                "{\"encrypt\":\"" + B64 + " \"}",
                // other fields, before and after, nested, including nested "encrypt"s that must be ignored
                "{\"ToUserName\":\"x\",\"encrypt\":\"" + B64 + "\"}",
                "{\"encrypt\":\"" + B64 + "\",\"AgentID\":42}",
                "{\"a\":{\"encrypt\":\"nested\"},\"encrypt\":\"" + B64 + "\",\"b\":[{\"encrypt\":1},[\"encrypt\"]]}",
                "{\"encrypt\":\"" + B64 + "\",\"x\":\"" + OTHER_B64 + "\"}",
                "{\"encrypt\":\"" + B64 + "\", \"encrypt2\":\"" + OTHER_B64 + "\"}",
                // duplicates: the last one counts, as in a tree, JSON.parse and Python's json
                "{\"encrypt\":\"" + B64 + "\",\"encrypt\":\"" + OTHER_B64 + "\"}",
                "{\"encrypt\":42,\"encrypt\":\"" + B64 + "\"}",
                "{\"encrypt\":null,\"encrypt\":\"" + B64 + "\"}",
                "{\"encrypt\":{\"x\":1},\"encrypt\":\"" + B64 + "\"}");
    }

    static Stream<String> unreadableBodies() {
        return Stream.of(
                "",
                "   ",
                "{}",
                "{\"Encrypt\":\"" + B64 + "\"}",
                "{\"encrypt\":null}",
                "{\"encrypt\":42}",
                "{\"encrypt\":4.2}",
                "{\"encrypt\":true}",
                "{\"encrypt\":{\"encrypt\":\"" + B64 + "\"}}",
                "{\"encrypt\":[\"" + B64 + "\"]}",
                "{\"encrypt\":\"" + B64 + "\",\"encrypt\":null}",
                "{\"encrypt\":\"" + B64 + "\",\"encrypt\":7}",
                "[\"" + B64 + "\"]",
                "\"" + B64 + "\"",
                "null",
                // malformed or truncated
                "{\"encrypt\":\"" + B64,
                "{\"encrypt\":\"" + B64 + "\"",
                "{\"encrypt\":\"" + B64 + "\"}}",
                "{\"encrypt\":\"" + B64 + "\"} x",
                "{\"encrypt\":\"" + B64 + "\"}{}",
                "{\"encrypt\":\"" + B64 + "\",}",
                "{encrypt:\"" + B64 + "\"}",
                "{'encrypt':'" + B64 + "'}",
                "{\"encrypt\" \"" + B64 + "\"}",
                "{\"encrypt\":\"" + B64 + "\"\"}",
                // raw control characters are not allowed inside a JSON string
                "{\"encrypt\":\"" + B64.substring(0, 100) + "\n" + B64.substring(100) + "\"}",
                "{\"encrypt\":\"" + B64 + "\t\"}",
                "{\"encrypt\":\"" + B64.substring(0, 100) + "\u0000" + B64.substring(100) + "\"}",
                "{\"encrypt\":\"" + B64 + "\\x\"}",
                "<xml><Encrypt>" + B64 + "</Encrypt></xml>");
    }

    @ParameterizedTest
    @MethodSource("readableBodies")
    void readsWhatAJsonTreeReads(String body) {
        String expected = encryptFromTree(body);

        assertThat(CallbackEnvelope.parse(body).encrypt()).isEqualTo(expected);
        assertThat(CallbackEnvelope.parse(body.getBytes(StandardCharsets.UTF_8)).encrypt()).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("unreadableBodies")
    void failsWithParseJsonErrorWhereAJsonTreeFails(String body) {
        assertThat(encryptFromTree(body)).isNull();
        assertParseJsonError(() -> CallbackEnvelope.parse(body));
        assertParseJsonError(() -> CallbackEnvelope.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void invalidUtf8InTheValueIsAParseErrorNotAReplacementCharacter() {
        byte[] body = ("{\"encrypt\":\"" + B64 + "X\"}").getBytes(StandardCharsets.US_ASCII);
        body[body.length - 3] = (byte) 0xff;

        assertParseJsonError(() -> CallbackEnvelope.parse(body));
    }

    @Test
    void aByteOrderMarkIsLeftToTheParser() {
        byte[] plain = ("{\"encrypt\":\"" + B64 + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[plain.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(plain, 0, withBom, 3, plain.length);

        assertThat(CallbackEnvelope.parse(withBom).encrypt()).isEqualTo(B64);
    }

    @Test
    void randomBase64BodiesOfEveryLengthReadBackExactly() {
        var random = new SplittableRandom(11);
        for (int length = 0; length < 300; length++) {
            String encrypt = Base64.getEncoder().encodeToString(bytes(length, random.nextInt()));
            String body = new CallbackEnvelope(encrypt).toJson();

            assertThat(body).isEqualTo(WecomJson.write(tree("encrypt", encrypt)));
            assertThat(CallbackEnvelope.parse(body).encrypt()).isEqualTo(encrypt);
            assertThat(CallbackEnvelope.parse(body.getBytes(StandardCharsets.UTF_8)).encrypt()).isEqualTo(encrypt);
        }
    }

    static List<String> awkwardValues() {
        return List.of("", "plain", B64, B64 + "?", "quote\"inside", "back\\slash", "slash/", "line\nbreak",
                "\u0000\u0001\u001f\u007f", "\b\f\r\t", "中文", "é", "😀", "\ud83d", "\ude00x", "\u2028\u2029",
                B64.replace('A', '"'), B64 + "\n", "中".repeat(100));
    }

    @ParameterizedTest
    @MethodSource("awkwardValues")
    void envelopesAreWrittenExactlyAsJacksonWritesThem(String value) {
        assertThat(new CallbackEnvelope(value).toJson()).isEqualTo(WecomJson.write(tree("encrypt", value)));

        var reply = new ReplyEnvelope(value, value, value, value);
        var tree = tree("encrypt", value);
        tree.put("msgsignature", value);
        tree.put("timestamp", value);
        tree.put("nonce", value);
        assertThat(reply.toJson()).isEqualTo(WecomJson.write(tree));
        assertThat(ReplyEnvelope.parse(reply.toJson())).isEqualTo(reply);
    }

    private static ObjectNode tree(String name, String value) {
        var node = WecomJson.mapper().createObjectNode();
        node.put(name, value);
        return node;
    }

    // The reference: what the JSON tree says, or null where the tree cannot give a string encrypt.
    private static @Nullable String encryptFromTree(String body) {
        JsonNode node;
        try {
            node = WecomJson.readObject(body);
        } catch (WecomCryptoException e) {
            return null;
        }
        JsonNode encrypt = node.get("encrypt");
        return encrypt != null && encrypt.isString() ? encrypt.stringValue() : null;
    }

    private static void assertParseJsonError(ThrowingCallable call) {
        var error = catchThrowableOfType(WecomCryptoException.class, call);
        assertThat(error).isNotNull();
        assertThat(error.error()).isEqualTo(WecomError.PARSE_JSON_ERROR);
        assertThat(error.getMessage()).doesNotContain(B64.substring(0, 16));
        assertThat(error.getCause()).isNull();
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
