package io.wecomrelay.schemas.text;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An answer longer than one message, split into the part a message shows and the rest that follows in later
 * messages. The shown part is cut exactly like {@link ContentCap#cap} cuts (the responder's fold script cuts the
 * stream the same way), with a "continued" note instead of the truncation note; the rest starts where the shown
 * part stopped. A rest that starts inside a fenced code block starts with the fence's opening line again (the
 * shown part closed it), one that starts between the rows of a table starts with the table's header and
 * separator rows, so both render on their own.
 *
 * @param shown what the message shows, within the limit, ending with the note when there is a rest
 * @param rest  the text that follows, empty when the answer fits
 */
public record Continuation(String shown, String rest) {

    public Continuation {
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(rest, "rest");
    }

    public boolean continues() {
        return !rest.isEmpty();
    }

    /**
     * @param max  the byte limit of the message that shows the first part (20,480 for a stream or a response_url)
     * @param note ends the shown part when the answer goes on, e.g. {@code "\n\n（续下条 / continued below）"}
     */
    public static Continuation of(String text, int max, String note) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return new Continuation(text, "");
        }
        int cut = ContentCap.cutIndex(bytes, max, ContentCap.utf8Length(note));
        boolean atLineBreak = cut < bytes.length && bytes[cut] == '\n';
        int from = atLineBreak ? cut + 1 : cut;
        String rest = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        String kept = new String(bytes, 0, cut, StandardCharsets.UTF_8);
        var blocks = new Blocks();
        for (String line : kept.split("\n", -1)) {
            blocks.accept(line);
        }
        String reopening = blocks.reopening();
        // a table row cut in its middle goes on as text: a header in front of half a row is no table either
        if (reopening != null && (blocks.inFence() || atLineBreak)) {
            rest = reopening + "\n" + rest;
        }
        return new Continuation(ContentCap.cap(text, max, note), rest);
    }

    // the answer itself stays out of logs
    @Override
    public String toString() {
        return "Continuation[shown=<" + shown.length() + " chars>, rest=<" + rest.length() + " chars>]";
    }
}
