package io.wecomrelay.llm.media;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import io.wecomrelay.llm.media.MediaFailure.Reason;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.outbound.OutboundVerdict;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.crypto.MediaCipher;
import io.wecomrelay.schemas.wecom.crypto.MediaDecryption;
import io.wecomrelay.support.outbound.OutboundRefusedException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Opens one media download and hands its content, as it arrives, to the caller: an AI bot's encrypted media
 * ({@link MediaRequest.Encrypted}) decrypted piece by piece, a self-built app's {@code media/get}
 * ({@link MediaRequest.WecomApi}) as it is, or its JSON error answer as a {@link MediaFailure} with WeCom's errcode
 * ({@link WecomErrorAnswers}). The URL is checked against the {@link OutboundPolicy} before anything is sent (the web
 * client is expected to be guarded too, so that the address a listed name resolves to is checked again).
 * Decryption is AES-256-CBC, IV = first 16 key bytes, lenient PKCS#7/32 unpadding ({@link MediaDecryption}), done
 * piece by piece on the thread that reads the piece (microseconds per piece). The size is checked against
 * {@code Content-Length} first, then while reading; the download holds its size of the {@link MediaBudget} while it
 * is read. Failures are {@link MediaFailure}s. Thread-safe.
 */
public final class MediaFetcher {

    /** PKCS#7 with WeCom's 32-byte block adds at most this much to a file. */
    public static final int PADDING = 32;

    private final WebClient web;
    private final OutboundPolicy policy;
    private final MediaCipher cipher;
    private final MediaBudget budget;
    private final Duration memoryWait;

    /**
     * @param web        a client built on {@code GuardedHttpClient.guard(..., policy)}
     * @param policy     where media may come from
     * @param memoryWait how long a download may wait for room in the budget
     */
    public MediaFetcher(WebClient web, OutboundPolicy policy, MediaCipher cipher, MediaBudget budget,
                        Duration memoryWait) {
        this.web = web;
        this.policy = policy;
        this.cipher = cipher;
        this.budget = budget;
        this.memoryWait = memoryWait;
    }

    /**
     * Downloads the file and lets {@code use} consume it while the response is open.
     *
     * @param maxBytes the largest (decrypted) file accepted
     * @param use      what to do with the download; must fail only with {@link MediaFailure}s
     */
    <T> Mono<T> fetch(MediaRequest request, long maxBytes, Function<Download, Mono<T>> use) {
        var verdict = policy.check(request.url());
        if (!verdict.isAllowed()) {
            return Mono.error(refused(verdict));
        }
        return Mono.defer(() -> web.get().uri(verdict.uri())
                        .exchangeToMono(response -> opened(response, request, maxBytes, use)))
                .onErrorMap(e -> !(e instanceof MediaFailure), MediaFetcher::notFetched);
    }

    /** Null when {@code url} may be requested, otherwise why not: lets callers check every URL before the first request. */
    @Nullable MediaFailure refusal(String url) {
        var verdict = policy.check(url);
        return verdict.isAllowed() ? null : refused(verdict);
    }

    private static MediaFailure refused(OutboundVerdict verdict) {
        return MediaFailure.unavailable(Reason.REFUSED, "refused " + verdict.code());
    }

    private <T> Mono<T> opened(ClientResponse response, MediaRequest request, long maxBytes,
                               Function<Download, Mono<T>> use) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().then(Mono.error(MediaFailure.unavailable(Reason.HTTP,
                    "http " + response.statusCode().value())));
        }
        var headers = response.headers().asHttpHeaders();
        if (request instanceof MediaRequest.WecomApi && WecomErrorAnswers.isError(headers)) {
            return WecomErrorAnswers.failure(response);
        }
        long maxDownload = maxBytes + (request instanceof MediaRequest.Encrypted ? PADDING : 0);
        long length = headers.getContentLength();
        if (length > maxDownload) {
            return response.releaseBody().then(Mono.error(MediaFailure.tooLarge("content-length " + length)));
        }
        var download = new Download(filename(headers.getFirst(HttpHeaders.CONTENT_DISPOSITION)),
                headers.getFirst(HttpHeaders.CONTENT_TYPE), content(response, request, maxBytes, maxDownload));
        return budget.holding(length >= 0 ? length : maxDownload, memoryWait, Mono.defer(() -> use.apply(download)));
    }

    private ContentDecoder decoder(MediaRequest request) {
        return request instanceof MediaRequest.Encrypted encrypted
                ? ContentDecoder.decrypting(cipher.start(encrypted.key())) : ContentDecoder.plain();
    }

    private Flux<byte[]> content(ClientResponse response, MediaRequest request, long maxBytes, long maxDownload) {
        return Flux.defer(() -> {
            ContentDecoder decoder = decoder(request);
            long[] sizes = new long[2];
            return response.bodyToFlux(DataBuffer.class)
                    .map(buffer -> decode(decoder, buffer, sizes, maxDownload))
                    .concatWith(Mono.fromCallable(decoder::finish))
                    .filter(piece -> piece.length > 0)
                    .doOnNext(piece -> {
                        sizes[1] += piece.length;
                        if (sizes[1] > maxBytes) {
                            throw MediaFailure.tooLarge("over the limit while reading");
                        }
                    })
                    .onErrorMap(e -> !(e instanceof MediaFailure), e -> e instanceof WecomCryptoException crypto
                            ? MediaFailure.unavailable(Reason.DECRYPT, crypto.error().toString())
                            : MediaFailure.unavailable(Reason.UNREACHABLE, e.getClass().getSimpleName()));
        });
    }

    private static byte[] decode(ContentDecoder decoder, DataBuffer buffer, long[] sizes, long maxDownload) {
        try {
            sizes[0] += buffer.readableByteCount();
            if (sizes[0] > maxDownload) {
                throw MediaFailure.tooLarge("download over the limit while reading");
            }
            byte[] downloaded = new byte[buffer.readableByteCount()];
            buffer.read(downloaded);
            return decoder.update(downloaded);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** A request that failed before any content: refused by the guarded client, or not answered. */
    private static MediaFailure notFetched(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutboundRefusedException refused) {
                return MediaFailure.unavailable(Reason.REFUSED, "refused " + refused.refusal().code());
            }
        }
        return MediaFailure.unavailable(Reason.UNREACHABLE, error.getClass().getSimpleName());
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
}
