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
 * @param images   image URLs of the final reply
 * @param owner    the bot whose message the stream answers; null if no writer recorded it (an older version)
 */
record StreamSnapshot(@Nullable Instant created, String content, boolean finished, List<String> images,
                             @Nullable String owner) {

    StreamSnapshot {
        images = List.copyOf(images);
    }

    // The reply's text and image URLs stay out of logs that print the record.
    @Override
    public String toString() {
        return "StreamSnapshot[created=" + created + ", content=<" + content.length() + " chars>, finished=" + finished
                + ", images=" + images.size() + ", owner=" + owner + "]";
    }

    /** True only when the stream is recorded as {@code botId}'s: a stream without an owner is nobody's. */
    boolean ownedBy(String botId) {
        return botId.equals(owner);
    }
}
