package io.wecomrelay.responder.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits markdown into ordered parts of at most a given number of UTF-8 bytes, for the group
 * webhook's 4,096-byte limit.
 * <p>
 * Parts break between lines where possible. A line longer than a part is cut between characters,
 * preferably after a space or punctuation. A part that ends inside a fenced code block gets a closing
 * fence, and the next part reopens the block with the same opening line (language tag included), so
 * every part renders on its own. Parts never split a character, so each is valid UTF-8.
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

    /** The part being filled and the fence state; one instance per split call. */
    private static final class Parts {
        private final int max;
        private final List<String> done = new ArrayList<>();
        private StringBuilder current = new StringBuilder();
        private int currentBytes;
        private boolean lineStarted;
        private boolean hasContent;
        private String openFence;

        Parts(int max) {
            this.max = max;
        }

        void add(String line) {
            String fenceAfter = fenceStateAfter(line);
            int reserve = fenceAfter == null ? 0 : CLOSE_BYTES;
            if (!fits(line, reserve) && hasContent) {
                flush();
            }
            if (fits(line, reserve)) {
                append(line);
            } else {
                addLong(line, reserve);
            }
            openFence = fenceAfter;
        }

        List<String> finish() {
            if (hasContent) {
                closeAndStore();
            }
            return List.copyOf(done);
        }

        private String fenceStateAfter(String line) {
            if (!Fences.isFence(line)) {
                return openFence;
            }
            return openFence == null ? line : null;
        }

        private boolean fits(String piece, int reserve) {
            return currentBytes + separator() + ContentCap.utf8Length(piece) + reserve <= max;
        }

        private int separator() {
            return lineStarted ? 1 : 0;
        }

        private void append(String piece) {
            if (lineStarted) {
                current.append('\n');
            }
            current.append(piece);
            currentBytes += separator() + ContentCap.utf8Length(piece);
            lineStarted = true;
            hasContent = true;
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
            closeAndStore();
            current = new StringBuilder();
            currentBytes = 0;
            lineStarted = false;
            hasContent = false;
            if (openFence != null) {
                String reopen = ContentCap.utf8Length(openFence) <= max / 8 ? openFence : Fences.CLOSE;
                current.append(reopen);
                currentBytes = ContentCap.utf8Length(reopen);
                lineStarted = true;
            }
        }

        private void closeAndStore() {
            if (openFence != null) {
                current.append('\n').append(Fences.CLOSE);
            }
            done.add(current.toString());
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
