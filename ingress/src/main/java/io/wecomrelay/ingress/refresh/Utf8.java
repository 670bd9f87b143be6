package io.wecomrelay.ingress.refresh;

import java.nio.charset.StandardCharsets;

/** Byte-bounded text that never ends in half a character. */
final class Utf8 {

    private Utf8() {
    }

    static String truncate(String text, int maxBytes) {
        if ((long) text.length() * 3 <= maxBytes) {
            return text; // a UTF-16 unit never takes more than 3 UTF-8 bytes: no need to encode to know it fits
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // step back over continuation bytes to the start of the cut character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
