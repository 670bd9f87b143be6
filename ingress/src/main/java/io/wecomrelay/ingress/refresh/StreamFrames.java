package io.wecomrelay.ingress.refresh;

import java.time.Duration;
import java.time.Instant;

import io.wecomrelay.schemas.text.ThinkBlock;
import org.jspecify.annotations.Nullable;

/**
 * Turns what Redis knows into the next stream frame. Every path either shows progress or finishes:
 * an unknown stream finishes with a note instead of polling forever, and a stream older than
 * WeCom's window is finished here even if the worker never finished it.
 */
public final class StreamFrames {

    private final Duration window;
    private final String expiredNote;
    private final String timedOutNote;

    /**
     * @param window       how long after the message a stream still open is finished by ingress itself
     * @param expiredNote  shown when a refresh asks for a stream Redis does not know
     * @param timedOutNote appended when a stream outlives {@code window} without finishing
     */
    public StreamFrames(Duration window, String expiredNote, String timedOutNote) {
        this.window = window;
        this.expiredNote = expiredNote;
        this.timedOutNote = timedOutNote;
    }

    /** The frame for a stream Redis does not know. */
    StreamFrame unknown() {
        return new StreamFrame(expiredNote, true);
    }

    /** Redis did not answer: keep the stream alive and let WeCom ask again. */
    StreamFrame unavailable(String placeholder) {
        return new StreamFrame(placeholder, false);
    }

    /** The frame that shows {@code snapshot} at {@code now}. */
    StreamFrame of(StreamSnapshot snapshot, String placeholder, Instant now) {
        String shown = snapshot.content().isEmpty() ? placeholder : snapshot.content();
        if (snapshot.finished()) {
            return new StreamFrame(withImages(snapshot.content(), snapshot), true);
        }
        if (outlived(snapshot.created(), now)) {
            // a stream cut while the model was still thinking: the note goes after its thinking block, not inside it
            String partial = snapshot.content().isEmpty() ? timedOutNote
                    : ThinkBlock.closed(snapshot.content()) + "\n\n" + timedOutNote;
            return new StreamFrame(partial, true);
        }
        return new StreamFrame(shown, false);
    }

    private boolean outlived(@Nullable Instant created, Instant now) {
        return created != null && created.plus(window).isBefore(now);
    }

    private static String withImages(String content, StreamSnapshot snapshot) {
        var text = new StringBuilder(content);
        for (String url : snapshot.images()) {
            if (!content.contains(url)) {
                text.append("\n\n![](").append(url).append(')');
            }
        }
        return text.toString();
    }

    /** One stream frame: snapshot content and whether it is the last. */
    record StreamFrame(String content, boolean finish) {

        @Override
        public String toString() {
            return "StreamFrame[content=<" + content.length() + " chars>, finish=" + finish + "]";
        }
    }
}
