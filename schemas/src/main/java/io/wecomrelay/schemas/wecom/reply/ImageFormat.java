package io.wecomrelay.schemas.wecom.reply;

import java.util.Optional;

/**
 * The image formats WeCom shows in a stream's {@code msg_item} and in a webhook {@code image} message: JPG and PNG,
 * recognised by their magic bytes, never by a name or a content type (both are the sender's claim).
 */
public enum ImageFormat {
    PNG("png", "image/png"),
    JPG("jpg", "image/jpeg");

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPG_MAGIC = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    private final String extension;
    private final String mediaType;

    ImageFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    /** The format {@code content} starts like, or empty for anything else (GIF, WebP, SVG, text, nothing). */
    public static Optional<ImageFormat> sniff(byte[] content) {
        if (startsWith(content, PNG_MAGIC)) {
            return Optional.of(PNG);
        }
        return startsWith(content, JPG_MAGIC) ? Optional.of(JPG) : Optional.empty();
    }

    /** {@code png} or {@code jpg}. */
    public String extension() {
        return extension;
    }

    public String mediaType() {
        return mediaType;
    }

    private static boolean startsWith(byte[] content, byte[] magic) {
        if (content.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (content[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
