package io.wecomrelay.llm.media;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.crypto.MediaCipher;
import io.wecomrelay.schemas.wecom.crypto.WecomAesKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Downloads one encrypted media file and decrypts it (AES-256-CBC, IV = first 16 key bytes,
 * lenient PKCS#7/32 unpadding, see {@link MediaCipher}). The download is bounded in size (checked
 * against {@code Content-Length} first, then while reading) and in time. Failures are
 * {@link MediaFailure}s: {@code media_too_large}, {@code media_download_failed} (HTTP error, such as
 * an expired signature, timeout, connection error) or {@code media_decrypt_failed}. Decryption runs
 * on the given scheduler, off the network threads. Thread-safe.
 */
public final class MediaFetcher {

    /** PKCS#7 with WeCom's 32-byte block adds at most this much to a file. */
    static final int PADDING = 32;

    private final WebClient web;
    private final MediaCipher cipher;
    private final Duration timeout;
    private final Scheduler decryption;

    /**
     * @param timeout    longest download of one file, body included
     * @param decryption where decryption (CPU work, milliseconds per megabyte) runs
     */
    public MediaFetcher(WebClient web, MediaCipher cipher, Duration timeout, Scheduler decryption) {
        this.web = web;
        this.cipher = cipher;
        this.timeout = timeout;
        this.decryption = decryption;
    }

    /** The plaintext of the file at {@code url}, at most {@code maxBytes} long. */
    Mono<Fetched> fetch(String url, WecomAesKey key, long maxBytes) {
        long maxDownload = Math.min(Integer.MAX_VALUE - 64L, maxBytes + PADDING);
        return Mono.defer(() -> web.get().uri(URI.create(url))
                        .exchangeToMono(response -> body(response, (int) maxDownload)))
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof MediaFailure),
                        e -> new MediaFailure(ErrorCodes.MEDIA_DOWNLOAD_FAILED, e.getClass().getSimpleName()))
                .publishOn(decryption)
                .map(download -> decrypt(download, key, maxBytes));
    }

    private static Mono<Fetched> body(ClientResponse response, int maxDownload) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().then(Mono.error(new MediaFailure(ErrorCodes.MEDIA_DOWNLOAD_FAILED,
                    "http " + response.statusCode().value())));
        }
        var headers = response.headers().asHttpHeaders();
        if (headers.getContentLength() > maxDownload) {
            return response.releaseBody().then(Mono.error(tooLarge(headers.getContentLength())));
        }
        String filename = filename(headers.getFirst(HttpHeaders.CONTENT_DISPOSITION));
        String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class), maxDownload)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return new Fetched(bytes, filename, contentType);
                })
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(-1));
    }

    private Fetched decrypt(Fetched encrypted, WecomAesKey key, long maxBytes) {
        byte[] plain;
        try {
            plain = cipher.decrypt(key, encrypted.bytes());
        } catch (WecomCryptoException e) {
            throw new MediaFailure(ErrorCodes.MEDIA_DECRYPT_FAILED, e.error().toString());
        }
        if (plain.length > maxBytes) {
            throw tooLarge(plain.length);
        }
        return new Fetched(plain, encrypted.filename(), encrypted.contentType());
    }

    /**
     * The filename of a {@code Content-Disposition} header: {@code filename*=UTF-8''...} (RFC 5987)
     * or {@code filename="..."}. Header values arrive as ISO-8859-1, so a plain {@code filename} that
     * was really UTF-8 is decoded again.
     */
    static @Nullable String filename(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String name;
        try {
            name = ContentDisposition.parse(header).getFilename();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (name == null || name.isBlank()) {
            return null;
        }
        return looksLikeLatin1Utf8(name)
                ? new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) : name;
    }

    /** True when every char fits in a byte and the bytes are valid, non-ASCII UTF-8. */
    private static boolean looksLikeLatin1Utf8(String name) {
        boolean high = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0xff) {
                return false;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return false;
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            decoder.decode(java.nio.ByteBuffer.wrap(name.getBytes(StandardCharsets.ISO_8859_1)));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static MediaFailure tooLarge(long size) {
        return new MediaFailure(ErrorCodes.MEDIA_TOO_LARGE, size < 0 ? "over the limit" : "size " + size);
    }
}
