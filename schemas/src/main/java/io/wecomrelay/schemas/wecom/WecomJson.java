package io.wecomrelay.schemas.wecom;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
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

    /**
     * Writes JSON with {@code writer} on a streaming generator of this mapper, so the text is the same
     * (escaping included) as {@link #write(JsonNode)} of the equivalent tree, without building the tree.
     *
     * @param sizeHint expected length in characters, to size the buffer
     */
    public static String write(int sizeHint, Consumer<JsonGenerator> writer) {
        StringWriter out = new StringWriter(sizeHint);
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            writer.accept(generator);
        } catch (JacksonException e) {
            throw new WecomCryptoException(WecomError.GEN_RETURN_JSON_ERROR, "cannot serialize reply JSON");
        }
        return out.toString();
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

    /**
     * Reads one JSON document with {@code reader} on a streaming parser, then insists that nothing but
     * whitespace follows it (as {@link #readObject} does).
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if the text is not JSON or has
     *                              trailing content; whatever {@code reader} throws
     */
    static <T> T readStream(String json, Function<JsonParser, T> reader) {
        try (JsonParser parser = MAPPER.createParser(json)) {
            return readToEnd(parser, reader);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** Same as {@link #readStream(String, Function)} for UTF-8 bytes. */
    static <T> T readStream(byte[] utf8Json, Function<JsonParser, T> reader) {
        try (JsonParser parser = MAPPER.createParser(utf8Json)) {
            return readToEnd(parser, reader);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /**
     * Moves a fresh parser onto the start of the document's object.
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if the document is not an object
     */
    static void requireObjectStart(JsonParser parser) {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "expected a JSON object, got " + kind(first));
        }
    }

    /** The JSON kind a token starts, named as {@code JsonNodeType} names it, for error messages. */
    static String kind(@Nullable JsonToken token) {
        if (token == null) {
            return "MISSING";
        }
        return switch (token) {
            case START_OBJECT -> "OBJECT";
            case START_ARRAY -> "ARRAY";
            case VALUE_STRING -> "STRING";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
            case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
            case VALUE_NULL -> "NULL";
            default -> token.name();
        };
    }

    private static <T> T readToEnd(JsonParser parser, Function<JsonParser, T> reader) {
        T value = reader.apply(parser);
        if (parser.nextToken() != null) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "trailing content after the JSON document");
        }
        return value;
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
