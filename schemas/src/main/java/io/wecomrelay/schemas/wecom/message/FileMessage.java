package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code msgtype: file} (single chat only). The URL points to encrypted bytes, valid about five minutes:
 * download at once and decrypt with {@code WecomCrypto.decryptMedia} (callback mode) or with
 * {@code aesKey} (long-connection mode).
 *
 * @param url    {@code file.url}
 * @param aesKey {@code file.aeskey}: per-URL key, only in long-connection mode
 */
public record FileMessage(CallbackMeta meta, String url, @Nullable String aesKey) implements WecomCallback {
    public FileMessage {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(url, "url");
    }

    // Signed download URLs and keys stay out of logs.
    @Override
    public String toString() {
        return "FileMessage[" + meta + "]";
    }
}
