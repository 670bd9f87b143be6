package io.wecomrelay.llm.media;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A download whose body is being read: its decrypted content arrives in pieces as the encrypted
 * bytes do. Every piece is final content and at least 16 bytes long (so the first one shows the
 * file's magic bytes), except the last, which may be shorter; a file may also be empty. The
 * content fails with a {@link MediaFailure} when the download breaks, grows beyond the limit or
 * does not decrypt. Subscribe to it once.
 *
 * @param filename    the name from {@code Content-Disposition}, or null when the download had none
 * @param contentType the download's {@code Content-Type}, or null
 */
record Download(@Nullable String filename, @Nullable String contentType, Flux<byte[]> content) {

    // file names are user content
    @Override
    public String toString() {
        return "Download[contentType=" + contentType + "]";
    }
}
