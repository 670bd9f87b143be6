package io.wecomrelay.llm.reply;

import io.wecomrelay.schemas.text.ThinkBlock;

/**
 * A reasoning model's thinking, shown two ways. While the answer streams ({@link #streaming()}) it is WeCom's native
 * thinking display, an open {@link ThinkBlock} ({@code <think>…}; the caller closes it when the answer starts),
 * which WeCom's client folds away: only stream frames are shown while a reply forms. For a final text that keeps the
 * thinking ({@link #kept(long)}) it is a marked Markdown quote, a bold title line, then the thinking with every line
 * quoted ({@code > }), since a final text also goes to response_url, webhook and app messages, where a
 * {@code <think>} tag would show as text. Pure; not thread-safe.
 * <p>
 * While streaming, the block shows at most {@code shownBytes} of the latest thinking and grows by appending, so the
 * pieces that carry it stay small: once it passes {@code shownBytes} it starts again from the last half of that
 * ({@code …} marks the cut), a replacement every {@code shownBytes / 2} of thinking rather than one per piece. The
 * kept quote is the longest end of the thinking that fits the room the answer leaves. Only the last
 * {@code 2 × maxKeptBytes} characters are kept in memory.
 */
final class ReasoningSection {

    private static final String CUT = "> …\n";
    private static final String STREAMING_CUT = "…\n";

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

    /** The open thinking block to show while the answer streams. */
    String streaming() {
        String shown = stripped(raw.substring(windowStart));
        if (Utf8Bounds.length(shown) + ThinkBlock.OPEN.length() > shownBytes) {
            windowStart = tailStart(windowStart, shownBytes / 2);
            shown = stripped(raw.substring(windowStart));
        }
        return ThinkBlock.OPEN + (windowStart > 0 || trimmed ? STREAMING_CUT : "") + ThinkBlock.inner(shown);
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

    /** Every line quoted, {@link #stripped}. */
    private static String quote(String thinking) {
        String text = stripped(thinking);
        return text.isEmpty() ? "" : "> " + text.replace("\n", "\n> ");
    }

    /**
     * Blank lines at the start and whitespace at the end left out, so that what shows more thinking always starts
     * with what showed less.
     */
    private static String stripped(String thinking) {
        String text = thinking.stripTrailing();
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }
}
