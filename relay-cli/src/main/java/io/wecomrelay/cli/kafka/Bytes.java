package io.wecomrelay.cli.kafka;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * A cheap test before an event is parsed: does the value contain this text at all? Most records of a scan belong
 * to other bots or streams, and a byte search costs a fraction of a JSON parse.
 */
public final class Bytes {

    private Bytes() {
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static boolean contains(byte @Nullable [] haystack, byte[] needle) {
        if (haystack == null || needle.length == 0) {
            return needle.length == 0;
        }
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The bytes a JSON string field {@code "name":"value"} is written as by the event mapper (no spaces). */
    public static byte[] jsonField(String name, String value) {
        return utf8("\"" + name + "\":\"" + value + "\"");
    }
}
