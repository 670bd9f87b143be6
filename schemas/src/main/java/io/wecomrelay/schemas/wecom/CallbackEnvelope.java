package io.wecomrelay.schemas.wecom;

import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
     * Reads a callback body. Other fields are ignored.
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if the body is not a JSON object
     *                              with a string {@code encrypt}
     */
    public static CallbackEnvelope parse(String json) {
        return fromTree(WecomJson.readObject(json));
    }

    /** Same as {@link #parse(String)} for the raw UTF-8 body. */
    public static CallbackEnvelope parse(byte[] utf8Json) {
        return fromTree(WecomJson.readObject(utf8Json));
    }

    /** The body as WeCom sends it; simulators and tests use this. */
    public String toJson() {
        ObjectNode node = WecomJson.mapper().createObjectNode();
        node.put("encrypt", encrypt);
        return WecomJson.write(node);
    }

    // The ciphertext stays out of logs that print the record.
    @Override
    public String toString() {
        return "CallbackEnvelope[encrypt=<" + encrypt.length() + " chars>]";
    }

    private static CallbackEnvelope fromTree(ObjectNode node) {
        JsonNode encrypt = node.get("encrypt");
        if (encrypt == null || encrypt.isNull()) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "missing field 'encrypt'");
        }
        if (!encrypt.isString()) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR,
                    "field 'encrypt' must be a string, got " + encrypt.getNodeType());
        }
        return new CallbackEnvelope(encrypt.stringValue());
    }
}
