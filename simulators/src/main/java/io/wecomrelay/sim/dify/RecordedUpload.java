package io.wecomrelay.sim.dify;

import java.time.Instant;
import java.util.Arrays;

/**
 * One accepted {@code POST /v1/files/upload}: what Dify answered and the bytes it received.
 *
 * @param id         the {@code upload_file_id} to reference in {@code files} of a chat request
 * @param user       the {@code user} form field; only this user (with the same key) can reference the file
 * @param name       the part's filename, as sent
 * @param size       bytes received
 * @param extension  the filename's extension without the dot, lower case; empty when it has none
 * @param mimeType   the part's {@code Content-Type}, or {@code application/octet-stream} when absent
 * @param content    the bytes received (copied in and out)
 */
public record RecordedUpload(Instant receivedAt, String apiKeyHint, String id, String user, String name, long size,
                             String extension, String mimeType, byte[] content) {

    public RecordedUpload {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedUpload that && id.equals(that.id) && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "RecordedUpload[id=" + id + ", user=" + user + ", name=" + name + ", size=" + size
                + ", mimeType=" + mimeType + "]";
    }
}
