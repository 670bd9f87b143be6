package io.wecomrelay.schemas.text;

import java.nio.charset.StandardCharsets;

/**
 * Caps reply text at a UTF-8 byte limit, the way the responder's Redis fold script does it
 * ({@code fold-chunk.lua} implements the same steps on bytes; a test keeps the two equal):
 * <ol>
 * <li>text within the limit is returned unchanged;</li>
 * <li>otherwise the cut lands at most {@code max - bytes(note) - 4} bytes in, moved back to the
 *     start of a UTF-8 character;</li>
 * <li>if a line break lies within the last {@value #NEWLINE_WINDOW} bytes before the cut, the cut
 *     moves to that line break (a markdown-friendly boundary);</li>
 * <li>a fenced code block left open by the cut is closed with {@code "\n```"};</li>
 * <li>the note is appended.</li>
 * </ol>
 * The result is always valid UTF-8 and at most {@code max} bytes long.
 */
public final class ContentCap {

    /** How far back the cut looks for a line break. */
    public static final int NEWLINE_WINDOW = 1024;

    private static final String FENCE_CLOSE = "\n" + Fences.CLOSE;
    private static final int FENCE_CLOSE_BYTES = FENCE_CLOSE.length();

    private ContentCap() {
    }

    /**
     * @param max  the byte limit, e.g. 20,480 for a stream or a response_url reply
     * @param note appended when text was cut, e.g. {@code "\n\n（内容过长，已截断）"}
     */
    public static String cap(String text, int max, String note) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return text;
        }
        String kept = new String(bytes, 0, cutIndex(bytes, max, utf8Length(note)), StandardCharsets.UTF_8);
        if (Fences.openAtEnd(kept)) {
            kept += FENCE_CLOSE;
        }
        return kept + note;
    }

    /**
     * Where {@link #cap} cuts {@code bytes} (steps 2 and 3): the kept text is {@code bytes[0, index)}; at the index
     * lies the line break it moved to, or the first byte of the character it stopped before.
     */
    static int cutIndex(byte[] bytes, int max, int noteBytes) {
        int cut = max - noteBytes - FENCE_CLOSE_BYTES;
        if (cut < 0) {
            throw new IllegalArgumentException("limit " + max + " leaves no room for the note");
        }
        while (cut > 0 && isContinuation(bytes[cut])) {
            cut--;
        }
        int floor = Math.max(0, cut - NEWLINE_WINDOW);
        for (int i = cut - 1; i >= floor; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return cut;
    }

    public static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1; // a lone surrogate is encoded as '?', as String.getBytes does
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
