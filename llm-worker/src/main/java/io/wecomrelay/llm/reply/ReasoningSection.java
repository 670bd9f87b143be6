package io.wecomrelay.llm.reply;

/**
 * A reasoning model's thinking as a marked Markdown quote: a bold title line, then the thinking with every line
 * quoted ({@code > }). Pure; not thread-safe.
 * <p>
 * While the answer streams ({@link #streaming()}) the quote shows at most {@code shownBytes} of the latest thinking
 * and grows by appending, so the pieces that carry it stay small: once it passes {@code shownBytes} it starts again
 * from the last half of that ({@code > …} marks the cut), a replacement every {@code shownBytes / 2} of thinking
 * rather than one per piece. For a final text that keeps the thinking, {@link #kept(long)} is the longest end of it
 * that fits the room the answer leaves. Only the last {@code 2 × maxKeptBytes} characters are kept in memory.
 */
final class ReasoningSection {

    private static final String CUT = "> …\n";

    private final String header;
    private final long shownBytes;
    private final int keptChars;
    private final StringBuilder raw = new StringBuilder();
    /** Where in {@link #raw} the part shown while streaming starts. */
    private int windowStart;
    /** Thinking was dropped from the front of {@link #raw}. */
    private boolean trimmed;
    private boolean blank = true;

    /**
     * @param title        the title line's text (made bold)
     * @param shownBytes   the most of the thinking shown while the answer streams
     * @param maxKeptBytes the most a final text can keep (WeCom's content limit)
     */
    ReasoningSection(String title, long shownBytes, long maxKeptBytes) {
        this.header = "> **" + title.strip() + "**\n";
        this.shownBytes = shownBytes;
        this.keptChars = (int) Math.min(Integer.MAX_VALUE / 4, maxKeptBytes);
    }

    void add(String text) {
        blank = blank && text.isBlank();
        raw.append(text.replace("\r", ""));
        if (raw.length() > 4 * keptChars) {
            int drop = raw.length() - 2 * keptChars;
            raw.delete(0, drop);
            windowStart = Math.max(0, windowStart - drop);
            trimmed = true;
        }
    }

    /** True until some thinking that is not blank arrived. */
    boolean isBlank() {
        return blank;
    }

    /** The section to show while the answer streams. */
    String streaming() {
        String quoted = quote(raw.substring(windowStart));
        if (Utf8Bounds.length(quoted) + Utf8Bounds.length(header) > shownBytes) {
            windowStart = tailStart(windowStart, shownBytes / 2);
            quoted = quote(raw.substring(windowStart));
        }
        return header + (windowStart > 0 || trimmed ? CUT : "") + quoted;
    }

    /** The section for a final text that keeps the thinking, in at most {@code maxBytes}; empty when it does not fit. */
    String kept(long maxBytes) {
        if (isBlank()) {
            return "";
        }
        String whole = header + quote(raw.toString());
        if (!trimmed && Utf8Bounds.length(whole) <= maxBytes) {
            return whole;
        }
        long room = maxBytes - Utf8Bounds.length(header) - Utf8Bounds.length(CUT);
        if (room < 64) {
            return "";
        }
        String quoted = quote(raw.substring(tailStart(0, room)));
        return quoted.isEmpty() ? "" : header + CUT + quoted;
    }

    /**
     * Where the longest end of {@link #raw} (from {@code from} on) starts whose quote fits {@code maxBytes}: at a
     * line's start when one lies in it, else on a whole character.
     */
    private int tailStart(int from, long maxBytes) {
        long bytes = 2;
        int start = raw.length();
        while (start > from) {
            char c = raw.charAt(start - 1);
            int size = c == '\n' ? 3 : Character.isSurrogate(c) ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            start--;
        }
        if (start < raw.length() && Character.isLowSurrogate(raw.charAt(start))) {
            start++;
        }
        int line = raw.indexOf("\n", start);
        if (start > from && line >= 0 && line + 1 < raw.length() && !raw.substring(line + 1).isBlank()) {
            start = line + 1;
        }
        return start;
    }

    /**
     * Every line quoted; blank lines at the start and whitespace at the end left out, so that the quote of more
     * thinking always starts with the quote of less.
     */
    private static String quote(String thinking) {
        String text = thinking.stripTrailing();
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        if (start == text.length()) {
            return "";
        }
        return "> " + text.substring(start).replace("\n", "\n> ");
    }
}
