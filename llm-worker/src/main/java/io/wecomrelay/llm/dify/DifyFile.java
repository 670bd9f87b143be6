package io.wecomrelay.llm.dify;

import java.util.Objects;

import reactor.core.publisher.Flux;
import org.springframework.core.io.buffer.DataBuffer;

/**
 * A file to upload with {@code POST /files/upload}, streamed: its content is sent as it arrives.
 *
 * @param name     the filename Dify sees (its extension decides how Dify treats the file); no {@code /} or {@code \}
 * @param mimeType the part's content type, e.g. {@code image/png}
 * @param content  the plaintext, subscribed to once; an error in it aborts the upload (Dify never sees
 *                 a complete body)
 */
public record DifyFile(String name, String mimeType, Flux<DataBuffer> content) {

    public DifyFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(content, "content");
        if (name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("Dify rejects filenames with path separators");
        }
    }

    // file names are user content: keep them out of logs
    @Override
    public String toString() {
        return "DifyFile[mimeType=" + mimeType + "]";
    }
}
