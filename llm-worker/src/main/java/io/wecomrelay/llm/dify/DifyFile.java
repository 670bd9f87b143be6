package io.wecomrelay.llm.dify;

import java.util.Objects;

/**
 * A file to upload with {@code POST /files/upload}.
 *
 * @param name     the filename Dify sees (its extension decides how Dify treats the file); no {@code /} or {@code \}
 * @param mimeType the part's content type, e.g. {@code image/png}
 * @param bytes    the plaintext content (not copied: callers hand it over)
 */
public record DifyFile(String name, String mimeType, byte[] bytes) {

    public DifyFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(bytes, "bytes");
        if (name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("Dify rejects filenames with path separators");
        }
    }

    // file names are user content: keep them out of logs
    @Override
    public String toString() {
        return "DifyFile[mimeType=" + mimeType + ", size=" + bytes.length + "]";
    }
}
