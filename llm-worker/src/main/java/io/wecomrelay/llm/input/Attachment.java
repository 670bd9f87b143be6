package io.wecomrelay.llm.input;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/** A media file a WeCom message carries, and where the worker fetches it from. */
public sealed interface Attachment permits Attachment.Signed, Attachment.AppMedia {

    /** What WeCom called it. */
    Kind kind();

    /** The WeCom message types that carry media. */
    enum Kind { IMAGE, FILE, VIDEO, VOICE }

    /**
     * An AI bot's media: encrypted bytes at a signed URL that expires about five minutes after WeCom sent the message.
     *
     * @param url    the download URL (a signed COS URL; never logged)
     * @param aesKey the per-URL key (base64) of a message that came over the long connection, or null: then the
     *               bot's EncodingAESKey applies. Always null for callback messages ({@link Inputs}).
     */
    record Signed(Kind kind, String url, @Nullable String aesKey) implements Attachment {

        public Signed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(url, "url");
        }

        // signed URLs and keys stay out of logs
        @Override
        public String toString() {
            return "Attachment[" + kind + "]";
        }
    }

    /**
     * A self-built app's media: plain bytes that WeCom's {@code media/get} serves for three days with the app's access
     * token.
     *
     * @param mediaId the message's {@code MediaId} (user content: never logged)
     */
    record AppMedia(Kind kind, String mediaId) implements Attachment {

        public AppMedia {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(mediaId, "mediaId");
        }

        @Override
        public String toString() {
            return "AppMedia[" + kind + "]";
        }
    }
}
