package io.wecomrelay.ingress.refresh;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What Redis knows about a reply stream.
 *
 * @param created  when ingress acknowledged the message; null if only the responder wrote so far
 * @param content  the full text so far (may be empty)
 * @param finished true once the reply is final
 * @param images   image URLs of the final reply (from a worker that did not fetch images), shown as Markdown images
 * @param owner    the bot whose message the stream answers; null if no writer recorded it (an older version)
 * @param attached images the worker fetched and stored, for the final frame's {@code msg_item}; only keys of this
 *                 stream
 * @param traceId  the trace id of the message the stream answers, for log lines; null if ingress did not record it
 *                 (an older version, or the responder wrote first and ingress's marker failed)
 */
record StreamSnapshot(@Nullable Instant created, String content, boolean finished, List<String> images,
                             @Nullable String owner, List<AttachedImage> attached, @Nullable String traceId) {

    StreamSnapshot {
        images = List.copyOf(images);
        attached = List.copyOf(attached);
    }

    /** Where an attached image's base64 is, and its MD5. */
    record AttachedImage(String key, String md5) {
    }

    // The reply's text and image URLs stay out of logs that print the record.
    @Override
    public String toString() {
        return "StreamSnapshot[created=" + created + ", content=<" + content.length() + " chars>, finished=" + finished
                + ", images=" + images.size() + ", owner=" + owner + ", attached=" + attached.size() + ", traceId=" + traceId
                + "]";
    }

    /** True only when the stream is recorded as {@code botId}'s: a stream without an owner is nobody's. */
    boolean ownedBy(String botId) {
        return botId.equals(owner);
    }
}
