package io.wecomrelay.schemas.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits markdown into ordered parts of at most a given number of UTF-8 bytes: the group webhook's 4,096, a
 * self-built app's 2,048, a response_url's or a long-connection push's 20,480.
 * <p>
 * Parts break between lines where possible. A line longer than a part is cut between characters,
 * preferably after a space or punctuation (Chinese text has no spaces). A part that ends inside a fenced code block
 * gets a closing fence, and the next part reopens the block with the same opening line (language tag included); a
 * part that ends between the rows of a table is followed by one that starts with the table's header and separator
 * rows; a heading that would end a part goes to the next one, above its text. So every part renders on its own.
 * Parts never split a character, so each is valid UTF-8.
 */
public final class MarkdownSplitter {

    private static final String BREAK_AFTER = " \t,.;:!?，。；：！？、）)」』】";
    private static final int CLOSE_BYTES = 1 + Fences.CLOSE.length();

    private MarkdownSplitter() {
    }

    /** @return at least one part; the text itself when it already fits */
    public static List<String> split(String text, int maxBytes) {
        if (ContentCap.utf8Length(text) <= maxBytes) {
            return List.of(text);
        }
        if (maxBytes < 64) {
            throw new IllegalArgumentException("parts of " + maxBytes + " bytes are too small");
        }
        var parts = new Parts(maxBytes);
        for (String line : text.split("\n", -1)) {
            parts.add(line);
        }
        return parts.finish();
    }

    /** The part being filled and the block state; one instance per split call. */
    private static final class Parts {
        private final int max;
        private final List<String> done = new ArrayList<>();
        private final Blocks blocks = new Blocks();
        /** The current part's lines; the first {@code carried} of them repeat the block the previous part ended in. */
        private final List<String> lines = new ArrayList<>();
        private int carried;
        private int currentBytes;

        Parts(int max) {
            this.max = max;
        }

        void add(String line) {
            int reserve = blocks.inFenceAfter(line) ? CLOSE_BYTES : 0;
            if (!fits(line, reserve) && hasContent()) {
                flush();
            }
            if (fits(line, reserve)) {
                append(line);
            } else {
                addLong(line, reserve);
            }
            blocks.accept(line);
        }

        List<String> finish() {
            if (hasContent()) {
                store();
            }
            return List.copyOf(done);
        }

        private boolean hasContent() {
            return lines.size() > carried;
        }

        private boolean fits(String piece, int reserve) {
            return currentBytes + separator() + ContentCap.utf8Length(piece) + reserve <= max;
        }

        private int separator() {
            return lines.isEmpty() ? 0 : 1;
        }

        private void append(String piece) {
            currentBytes += separator() + ContentCap.utf8Length(piece);
            lines.add(piece);
        }

        /** Cuts a line that does not fit into an empty part across as many parts as it needs. */
        private void addLong(String line, int reserve) {
            String rest = line;
            while (!fits(rest, reserve)) {
                int room = max - currentBytes - separator() - reserve;
                int end = pieceEnd(rest, room);
                append(rest.substring(0, end));
                flush();
                rest = rest.substring(end);
            }
            append(rest);
        }

        private void flush() {
            List<String> heading = blocks.inFence() ? List.of() : trailingHeading();
            store();
            lines.clear();
            currentBytes = 0;
            carried = 0;
            String reopening = blocks.reopening();
            if (reopening != null && ContentCap.utf8Length(reopening) <= max / 8) {
                append(reopening);
                carried = 1;
            } else if (blocks.inFence()) {
                append(Fences.CLOSE);
                carried = 1;
            }
            heading.forEach(this::append);
        }

        /** Takes a heading (and the blank lines around it) off the end of a part that has other text. */
        private List<String> trailingHeading() {
            int last = lines.size() - 1;
            while (last >= carried && lines.get(last).isBlank()) {
                last--;
            }
            if (last <= carried || !Blocks.isHeading(lines.get(last))
                    || ContentCap.utf8Length(lines.get(last)) > max / 8) {
                return List.of();
            }
            List<String> moved = new ArrayList<>(lines.subList(last, lines.size()));
            int end = last;
            while (end - 1 > carried && lines.get(end - 1).isBlank()) {
                end--; // the blank lines above the heading end no message
            }
            lines.subList(end, lines.size()).clear();
            currentBytes = ContentCap.utf8Length(String.join("\n", lines));
            return moved;
        }

        private void store() {
            String part = String.join("\n", lines);
            done.add(blocks.inFence() ? part + "\n" + Fences.CLOSE : part);
        }
    }

    /**
     * The end index of the longest prefix of {@code text} within {@code room} bytes, moved back to a
     * break character in the prefix's last quarter when there is one. Always at least one code point.
     */
    static int pieceEnd(String text, int room) {
        int end = 0;
        int bytes = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = ContentCap.utf8Length(new String(Character.toChars(cp)));
            if (bytes + size > room) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        if (end == 0) {
            return Character.charCount(text.codePointAt(0));
        }
        for (int i = end - 1; i > end * 3 / 4; i--) {
            if (BREAK_AFTER.indexOf(text.charAt(i)) >= 0) {
                return i + 1;
            }
        }
        return end;
    }
}
