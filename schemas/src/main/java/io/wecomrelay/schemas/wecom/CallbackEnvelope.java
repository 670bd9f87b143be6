package io.wecomrelay.schemas.wecom;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The body WeCom POSTs to an AI bot's callback URL: {@code {"encrypt": "BASE64"}}. The signature,
 * timestamp and nonce travel in the query string, not here.
 *
 * @param encrypt the base64 ciphertext, exactly as received (it is what the signature covers)
 */
public record CallbackEnvelope(String encrypt) {

    public CallbackEnvelope {
        Objects.requireNonNull(encrypt, "encrypt");
    }

    /**
     * Reads a callback body. Other fields are ignored; if {@code encrypt} occurs more than once the
     * last one counts (as with a JSON tree, {@code JSON.parse} and Python's {@code json}).
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if the body is not one JSON object
     *                              with a string {@code encrypt}
     */
    public static CallbackEnvelope parse(String json) {
        String simple = JsonText.simpleEncrypt(json);
        return simple != null ? new CallbackEnvelope(simple) : WecomJson.readStream(json, CallbackEnvelope::read);
    }

    /** Same as {@link #parse(String)} for the raw UTF-8 body. */
    public static CallbackEnvelope parse(byte[] utf8Json) {
        String simple = JsonText.simpleEncrypt(utf8Json);
        return simple != null ? new CallbackEnvelope(simple) : WecomJson.readStream(utf8Json, CallbackEnvelope::read);
    }

    /** The body as WeCom sends it; simulators and tests use this. */
    public String toJson() {
        if (JsonText.isPlain(encrypt)) {
            return "{\"encrypt\":\"" + encrypt + "\"}";
        }
        return WecomJson.write(encrypt.length() + 16, json -> {
            json.writeStartObject();
            json.writeStringProperty("encrypt", encrypt);
            json.writeEndObject();
        });
    }

    // The ciphertext stays out of logs that print the record.
    @Override
    public String toString() {
        return "CallbackEnvelope[encrypt=<" + encrypt.length() + " chars>]";
    }

    // Bodies that are not the plain {"encrypt":"..."}: stream over them, skipping everything but encrypt.
    private static CallbackEnvelope read(JsonParser parser) {
        WecomJson.requireObjectStart(parser);
        @Nullable JsonToken last = null;
        @Nullable String encrypt = null;
        String name;
        while ((name = parser.nextName()) != null) {
            JsonToken value = parser.nextToken();
            if ("encrypt".equals(name)) {
                last = value;
                encrypt = value == JsonToken.VALUE_STRING ? parser.getString() : null;
            }
            parser.skipChildren();
        }
        if (last == null || last == JsonToken.VALUE_NULL) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "missing field 'encrypt'");
        }
        if (encrypt == null) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR,
                    "field 'encrypt' must be a string, got " + WecomJson.kind(last));
        }
        return new CallbackEnvelope(encrypt);
    }
}
