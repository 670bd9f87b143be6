package io.wecomrelay.schemas.wecom.reply;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ObjectNode;

/**
 * An image in the final stream frame: {@code {"msgtype":"image","image":{"base64":...,"md5":...}}}.
 *
 * @param base64 the raw JPG/PNG bytes, standard base64
 * @param md5    lowercase hex MD5 of the raw bytes (not of the base64)
 */
public record StreamImage(String base64, String md5) {

    /** WeCom's cap on the raw image, before base64. */
    public static final int MAX_RAW_BYTES = 10 * 1024 * 1024;

    public StreamImage {
        Objects.requireNonNull(base64, "base64");
        Objects.requireNonNull(md5, "md5");
        if (base64.isEmpty()) {
            throw new IllegalArgumentException("image base64 is empty");
        }
        if (!md5.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("image md5 must be 32 lowercase hex characters");
        }
    }

    /**
     * Encodes raw image bytes and computes their MD5.
     *
     * @throws IllegalArgumentException if the image is empty or larger than {@link #MAX_RAW_BYTES}
     */
    public static StreamImage of(byte[] image) {
        if (image.length == 0 || image.length > MAX_RAW_BYTES) {
            throw new IllegalArgumentException("image is " + image.length + " bytes; WeCom accepts 1.." + MAX_RAW_BYTES);
        }
        return new StreamImage(Base64.getEncoder().encodeToString(image), HexFormat.of().formatHex(md5(image)));
    }

    ObjectNode toJsonNode() {
        ObjectNode item = WecomJson.mapper().createObjectNode();
        item.put("msgtype", "image");
        ObjectNode body = item.putObject("image");
        body.put("base64", base64);
        body.put("md5", md5);
        return item;
    }

    /** Streams the same object as {@link #toJsonNode()}. */
    void write(JsonGenerator json) {
        json.writeStartObject();
        json.writeStringProperty("msgtype", "image");
        json.writeName("image");
        json.writeStartObject();
        json.writeStringProperty("base64", base64);
        json.writeStringProperty("md5", md5);
        json.writeEndObject();
        json.writeEndObject();
    }

    @Override
    public String toString() {
        return "StreamImage[md5=" + md5 + ", base64=<" + base64.length() + " chars>]";
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }
}
