package io.wecomrelay.schemas.event;

import java.util.Objects;
import java.util.regex.Pattern;

import io.wecomrelay.schemas.wecom.reply.ImageFormat;

/**
 * An image of an answer, fetched and checked by the llm-worker and ready to send after the answer's text: its
 * bytes, standard base64, wait in Redis under {@code key} (see {@link io.wecomrelay.schemas.stream.StreamStateKeys#imageKey});
 * the chunk that carries this stays small.
 *
 * @param key    the Redis key of the base64 bytes; it expires with the reply
 * @param md5    lowercase hex MD5 of the raw bytes, as WeCom's {@code image.md5}
 * @param bytes  the raw size
 * @param format what the magic bytes say it is
 */
public record ReplyImage(String key, String md5, long bytes, ImageFormat format) {

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    public ReplyImage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(format, "format");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("image key is empty");
        }
        if (!MD5.matcher(md5).matches()) {
            throw new IllegalArgumentException("image md5 must be 32 lowercase hex characters");
        }
        if (bytes < 1) {
            throw new IllegalArgumentException("image size must be positive: " + bytes);
        }
    }
}
