package io.wecomrelay.sim.dify;

/** Byte-level UTF-8 checks for the split tests. */
final class Utf8 {

    private Utf8() {
    }

    /** True if the bytes end with an incomplete multi-byte sequence. */
    static boolean endsMidCharacter(byte[] bytes) {
        for (int back = 1; back <= Math.min(4, bytes.length); back++) {
            int b = bytes[bytes.length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back;
        }
        return false;
    }
}
