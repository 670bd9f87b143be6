package io.wecomrelay.llm.publish;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text so that each piece, written as a JSON string, stays within a byte budget. Sizes are
 * upper bounds of what the event serde's writer (Jackson: non-ASCII as raw UTF-8, some ASCII
 * escaped) makes of a character, so a piece never comes out larger than estimated; pieces end on
 * whole code points, so a surrogate pair is never split.
 */
final class JsonStringCutter {

    /** The most one character takes: a six-byte escape of a control character. */
    static final int MAX_CHARACTER_BYTES = 6;

    private JsonStringCutter() {
    }

    /**
     * The pieces of {@code text}, each at most {@code budget} bytes inside a JSON string; their
     * concatenation is {@code text}. {@code budget} must hold the largest character (6 bytes).
     */
    static List<String> split(String text, long budget) {
        if (budget < MAX_CHARACTER_BYTES) {
            throw new IllegalArgumentException("budget " + budget + " is smaller than one character");
        }
        var pieces = new ArrayList<String>();
        int start = 0;
        long bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int size = bytes(codePoint);
            if (bytes + size > budget) {
                pieces.add(text.substring(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        pieces.add(text.substring(start));
        return pieces;
    }

    private static int bytes(int codePoint) {
        if (codePoint == '"' || codePoint == '\\' || codePoint == '/') {
            return 2;
        }
        if (codePoint < 0x20 || codePoint == 0x2028 || codePoint == 0x2029
                || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
            return MAX_CHARACTER_BYTES;
        }
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
