package io.wecomrelay.schemas.wecom;

import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one Jackson mapper for WeCom JSON, plus read/write helpers that turn Jackson failures into
 * {@link WecomCryptoException}s. Unknown fields are tolerated everywhere: WeCom adds fields without
 * notice. The mapper is immutable (Jackson 3) and therefore safe to share.
 */
public final class WecomJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private WecomJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a JSON object.
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if the text is not one JSON object
     */
    public static ObjectNode readObject(String json) {
        return requireObject(readTree(json));
    }

    /** Same as {@link #readObject(String)} for UTF-8 bytes, e.g. an HTTP body. */
    public static ObjectNode readObject(byte[] utf8Json) {
        try {
            return requireObject(MAPPER.readTree(utf8Json));
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** Serializes a tree built by this package. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JacksonException e) {
            throw new WecomCryptoException(WecomError.GEN_RETURN_JSON_ERROR, "cannot serialize reply JSON");
        }
    }

    /** Same as {@link #write(JsonNode)}, as UTF-8 bytes. */
    public static byte[] writeBytes(JsonNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses any JSON value.
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if the text is not JSON
     */
    public static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    private static ObjectNode requireObject(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "expected a JSON object, got " + node.getNodeType());
    }

    // Jackson's own message quotes the offending token, which may be user text: keep only the position.
    private static WecomCryptoException malformed(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
        return new WecomCryptoException(WecomError.PARSE_JSON_ERROR,
                "malformed JSON (" + e.getClass().getSimpleName() + ")" + where);
    }
}
