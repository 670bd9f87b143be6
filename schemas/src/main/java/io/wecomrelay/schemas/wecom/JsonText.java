package io.wecomrelay.schemas.wecom;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * Shortcuts for the two envelopes around the ciphertext, which are on every callback and every
 * refresh: the common case is recognised here and read or written directly, anything unusual goes
 * to Jackson, so the result is always what Jackson would have read or written.
 *
 * <p>The common case is about 1.5 KB of base64, and a loop over it costs about a nanosecond per
 * character on our machines, as much as the SHA-1 over the same text. So the run is vetted with the
 * JDK's base64 decoder (a vectorised intrinsic): text it accepts holds only {@code A-Z a-z 0-9 + / =},
 * which a JSON string may hold unescaped and which cannot end the string early.
 */
final class JsonText {

    private static final byte[] ENCRYPT_NAME = "\"encrypt\"".getBytes(StandardCharsets.US_ASCII);
    // Shorter runs are checked character by character, so that no exception is thrown for them.
    private static final int VET_WITH_DECODER_FROM = 64;

    private JsonText() {
    }

    /**
     * The {@code encrypt} value of a body that is exactly {@code {"encrypt":"BASE64"}} (JSON whitespace
     * allowed between tokens), as WeCom sends it; null for anything else, which the caller must then
     * read with a real JSON parser.
     */
    static @Nullable String simpleEncrypt(String json) {
        // Characters above U+00FF become '?' here and anything above 0x7f is not base64, so bodies with
        // them never pass.
        return simpleEncrypt(json.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Same as {@link #simpleEncrypt(String)} for a UTF-8 body. */
    static @Nullable String simpleEncrypt(byte[] json) {
        int start = skipWhitespace(json, 0);
        if (start == json.length || json[start] != '{') {
            return null;
        }
        start = skipWhitespace(json, start + 1);
        if (!startsWith(json, start, ENCRYPT_NAME)) {
            return null;
        }
        start = skipWhitespace(json, start + ENCRYPT_NAME.length);
        if (start == json.length || json[start] != ':') {
            return null;
        }
        start = skipWhitespace(json, start + 1);
        if (start == json.length || json[start] != '"') {
            return null;
        }
        // The end is read backwards: whitespace, '}', whitespace, the closing quote.
        int end = skipWhitespaceBackwards(json, json.length);
        if (end <= start || json[end - 1] != '}') {
            return null;
        }
        end = skipWhitespaceBackwards(json, end - 1);
        if (end <= start + 1 || json[end - 1] != '"') {
            return null;
        }
        int valueStart = start + 1;
        int valueEnd = end - 1;
        if (!isBase64(json, valueStart, valueEnd)) {
            return null;
        }
        return new String(json, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
    }

    /**
     * True if Jackson writes {@code value} as a JSON string without escaping anything: printable ASCII
     * without quote or backslash (base64 is such text).
     */
    static boolean isPlain(String value) {
        if (value.length() >= VET_WITH_DECODER_FROM) {
            byte[] latin1 = value.getBytes(StandardCharsets.ISO_8859_1);
            if (isBase64(latin1, 0, latin1.length)) {
                return true;
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64(byte[] bytes, int from, int to) {
        if (to - from < VET_WITH_DECODER_FROM) {
            return false;
        }
        try {
            Base64.getDecoder().decode(ByteBuffer.wrap(bytes, from, to - from));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static int skipWhitespace(byte[] json, int from) {
        int i = from;
        while (i < json.length && whitespace(json[i])) {
            i++;
        }
        return i;
    }

    private static int skipWhitespaceBackwards(byte[] json, int end) {
        int i = end;
        while (i > 0 && whitespace(json[i - 1])) {
            i--;
        }
        return i;
    }

    private static boolean startsWith(byte[] json, int from, byte[] prefix) {
        return json.length - from >= prefix.length
                && Arrays.equals(json, from, from + prefix.length, prefix, 0, prefix.length);
    }
}
