package io.wecomrelay.llm.media;

import org.jspecify.annotations.Nullable;

/**
 * A downloaded and decrypted file.
 *
 * @param bytes       the plaintext
 * @param filename    the name from {@code Content-Disposition}, or null when the download had none
 * @param contentType the download's {@code Content-Type}, or null
 */
record Fetched(byte[] bytes, @Nullable String filename, @Nullable String contentType) {

    // file names are user content
    @Override
    public String toString() {
        return "Fetched[size=" + bytes.length + ", contentType=" + contentType + "]";
    }
}
