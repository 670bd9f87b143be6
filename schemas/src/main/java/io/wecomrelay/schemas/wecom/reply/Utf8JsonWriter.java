package io.wecomrelay.schemas.wecom.reply;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes reply JSON straight to UTF-8, for the stream frames every refresh poll seals. The output is
 * byte for byte {@code WecomJson.write(tree).getBytes(UTF_8)} of the same JSON: Jackson's default
 * escapes ({@code \"}, {@code \\}, {@code \b \t \n \f \r}, other controls as backslash-u00XX with upper
 * case hex, nothing else), and {@code ?} for a surrogate that is not part of a pair, as
 * {@code String.getBytes} substitutes. Jackson's own UTF-8 generator escapes such a surrogate instead,
 * and both it and {@code getBytes} of the generated string cost about twice as much as this.
 *
 * <p>The caller writes structure (names, braces, commas) with {@link #ascii}; only values are escaped.
 */
final class Utf8JsonWriter {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buffer;
    private int size;

    Utf8JsonWriter(int sizeHint) {
        buffer = new byte[Math.max(sizeHint, 64)];
    }

    /** Appends ASCII structure as is: names, punctuation, {@code true}/{@code false}. */
    Utf8JsonWriter ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** Appends {@code value} as a quoted, escaped JSON string. */
    Utf8JsonWriter string(String value) {
        int length = value.length();
        // At most 3 bytes per char (a surrogate pair is 4 bytes for 2 chars); escapes make room as they come.
        ensure(3 * length + 2);
        byte[] out = buffer;
        int at = size;
        out[at++] = '"';
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out[at++] = (byte) c;
                } else {
                    if (out.length - at < 6 + 3 * (length - i)) {
                        size = at;
                        ensure(6 + 3 * (length - i));
                        out = buffer;
                    }
                    at = escape(out, at, c);
                }
            } else if (c < 0x800) {
                out[at++] = (byte) (0xc0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3f));
            } else if (!Character.isSurrogate(c)) {
                out[at++] = (byte) (0xe0 | (c >> 12));
                out[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                out[at++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                out[at++] = (byte) (0xf0 | (codePoint >> 18));
                out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
                out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
                out[at++] = (byte) (0x80 | (codePoint & 0x3f));
            } else {
                out[at++] = '?';
            }
        }
        out[at++] = '"';
        size = at;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private static int escape(byte[] out, int at, char c) {
        out[at++] = '\\';
        switch (c) {
            case '"', '\\' -> out[at++] = (byte) c;
            case '\b' -> out[at++] = 'b';
            case '\t' -> out[at++] = 't';
            case '\n' -> out[at++] = 'n';
            case '\f' -> out[at++] = 'f';
            case '\r' -> out[at++] = 'r';
            default -> {
                out[at++] = 'u';
                out[at++] = '0';
                out[at++] = '0';
                out[at++] = HEX[c >> 4];
                out[at++] = HEX[c & 0xf];
            }
        }
        return at;
    }

    private void ensure(int more) {
        if (buffer.length - size < more) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, size + more));
        }
    }
}
