package io.wecomrelay.schemas.wecom;

import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The encrypted passive reply an AI bot returns in the HTTP response:
 * {@code {"encrypt":..., "msgsignature":..., "timestamp":..., "nonce":...}}.
 *
 * <p>{@code timestamp} is emitted as a JSON <em>string</em>, as Tencent's own demo library does;
 * WeCom's doc example shows a number and which one WeCom requires is unconfirmed. The signature is
 * computed over the same string, so the two always agree.
 *
 * @param encrypt      base64 ciphertext of the reply JSON
 * @param msgSignature lowercase hex SHA-1 over token, timestamp, nonce and {@code encrypt}
 * @param timestamp    seconds since the epoch, as decimal digits
 * @param nonce        the nonce of the callback being answered
 */
public record ReplyEnvelope(String encrypt, String msgSignature, String timestamp, String nonce) {

    public ReplyEnvelope {
        Objects.requireNonNull(encrypt, "encrypt");
        Objects.requireNonNull(msgSignature, "msgSignature");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(nonce, "nonce");
    }

    /** The HTTP response body, fields in the order of WeCom's documentation. */
    public String toJson() {
        if (JsonText.isPlain(encrypt) && JsonText.isPlain(msgSignature) && JsonText.isPlain(timestamp)
                && JsonText.isPlain(nonce)) {
            // Nothing to escape (the usual case): one exact-size concatenation, written on every refresh.
            return "{\"encrypt\":\"" + encrypt + "\",\"msgsignature\":\"" + msgSignature + "\",\"timestamp\":\""
                    + timestamp + "\",\"nonce\":\"" + nonce + "\"}";
        }
        return WecomJson.write(encrypt.length() + 128, json -> {
            json.writeStartObject();
            json.writeStringProperty("encrypt", encrypt);
            json.writeStringProperty("msgsignature", msgSignature);
            json.writeStringProperty("timestamp", timestamp);
            json.writeStringProperty("nonce", nonce);
            json.writeEndObject();
        });
    }

    /**
     * Reads a reply body, accepting {@code timestamp} as a string or a number; the WeCom simulator and
     * tests use this to check what a bot answered.
     *
     * @throws WecomCryptoException {@link WecomError#PARSE_JSON_ERROR} if a field is missing or mistyped
     */
    public static ReplyEnvelope parse(String json) {
        ObjectNode node = WecomJson.readObject(json);
        return new ReplyEnvelope(string(node, "encrypt"), string(node, "msgsignature"),
                timestamp(node), string(node, "nonce"));
    }

    // The ciphertext stays out of logs that print the record.
    @Override
    public String toString() {
        return "ReplyEnvelope[encrypt=<" + encrypt.length() + " chars>, msgSignature=" + msgSignature
                + ", timestamp=" + timestamp + ", nonce=" + nonce + "]";
    }

    private static String timestamp(ObjectNode node) {
        JsonNode value = node.get("timestamp");
        if (value != null && value.isIntegralNumber()) {
            return value.asString();
        }
        return string(node, "timestamp");
    }

    private static String string(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "missing or non-string field '" + field + "'");
        }
        return value.stringValue();
    }
}
