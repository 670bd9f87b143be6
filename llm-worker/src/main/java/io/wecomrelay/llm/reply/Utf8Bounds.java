package io.wecomrelay.llm.reply;

/** UTF-8 sizes of answer text, without encoding it. */
final class Utf8Bounds {

    private Utf8Bounds() {
    }

    /** The UTF-8 length of {@code text}; a lone surrogate counts as 3 bytes, the most any encoder writes for it. */
    static long length(CharSequence text) {
        long bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = Character.codePointAt(text, i);
            bytes += bytes(codePoint);
            i += Character.charCount(codePoint);
        }
        return bytes;
    }

    /** The longest start of {@code text} that fits {@code maxBytes} and ends on a whole code point. */
    static String prefix(String text, long maxBytes) {
        long bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            bytes += bytes(codePoint);
            if (bytes > maxBytes) {
                break;
            }
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }

    private static int bytes(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
