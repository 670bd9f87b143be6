package io.wecomrelay.schemas.wecom.app;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body WeCom POSTs to a self-built app's callback URL:
 * {@code <xml><ToUserName>CorpID</ToUserName><AgentID>218</AgentID><Encrypt>BASE64</Encrypt></xml>}. Elements are
 * read by name (their order varies, and {@code AgentID} may be missing); the signature covers {@code Encrypt}'s text.
 *
 * @param toUserName the CorpID, when sent
 * @param agentId    the app's AgentID as sent (CDATA text), or null
 * @param encrypt    the base64 ciphertext, exactly as received
 */
public record AppEnvelope(@Nullable String toUserName, @Nullable String agentId, String encrypt) {

    public AppEnvelope {
        Objects.requireNonNull(encrypt, "encrypt");
    }

    /**
     * @throws AppXmlException when the body is not safe, well-formed {@code <xml>} with a non-empty {@code Encrypt}
     */
    public static AppEnvelope parse(byte[] body) {
        ObjectNode xml = SafeXml.read(body);
        String encrypt = text(xml, "Encrypt"); // exactly as received: the signature covers it
        if (encrypt == null || encrypt.isEmpty()) {
            throw new AppXmlException("envelope without <Encrypt>");
        }
        return new AppEnvelope(stripped(text(xml, "ToUserName")), stripped(text(xml, "AgentID")), encrypt);
    }

    /** The body as WeCom sends it; simulators and tests use this. */
    public String toXml() {
        var xml = new StringBuilder("<xml>");
        if (toUserName != null) {
            xml.append("<ToUserName>").append(Cdata.of(toUserName)).append("</ToUserName>");
        }
        if (agentId != null) {
            xml.append("<AgentID>").append(Cdata.of(agentId)).append("</AgentID>");
        }
        return xml.append("<Encrypt>").append(Cdata.of(encrypt)).append("</Encrypt></xml>").toString();
    }

    static @Nullable String text(ObjectNode xml, String name) {
        JsonNode value = xml.get(name);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw new AppXmlException("<" + name + "> is not a single text element");
        }
        return value.asString();
    }

    static @Nullable String stripped(@Nullable String text) {
        return text == null ? null : text.strip();
    }

    // The ciphertext stays out of logs that print the record.
    @Override
    public String toString() {
        return "AppEnvelope[toUserName=" + toUserName + ", agentId=" + agentId + ", encrypt=<" + encrypt.length()
                + " chars>]";
    }
}
