package io.wecomrelay.llm.input;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A media file a WeCom message carries: encrypted bytes at a signed URL that expires about five
 * minutes after WeCom sent the message.
 *
 * @param kind   what WeCom called it
 * @param url    the download URL (a signed COS URL; never logged)
 * @param aesKey the per-URL key (base64) of a message that came over the long connection, or null: then
 *               the bot's EncodingAESKey applies. Always null for callback messages ({@link Inputs}).
 */
public record Attachment(Kind kind, String url, @Nullable String aesKey) {

    /** The WeCom message types that carry media. */
    public enum Kind { IMAGE, FILE, VIDEO }

    public Attachment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
    }

    // signed URLs and keys stay out of logs
    @Override
    public String toString() {
        return "Attachment[" + kind + "]";
    }
}
