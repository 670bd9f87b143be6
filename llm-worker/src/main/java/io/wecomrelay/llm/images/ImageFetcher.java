package io.wecomrelay.llm.images;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.wecomrelay.llm.media.MediaBudget;
import io.wecomrelay.schemas.outbound.OutboundEntry;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.outbound.OutboundVerdict;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.wecomrelay.support.outbound.OutboundRefusedException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Downloads one image of an answer (plain bytes, nothing to decrypt) and hands it to the caller while its size is
 * held in the worker's {@link MediaBudget}. The URL is checked against the reply's {@link OutboundPolicy} before any
 * request, and every address again right before connecting ({@link GuardedHttpClient}: no redirect, no proxy). The
 * size is checked against {@code Content-Length} first, then while reading. Failures are {@link ImageFailure}s.
 * Thread-safe.
 */
final class ImageFetcher {

    /** The bytes and their base64 copy live at the same time. */
    private static final int COPIES = 2;

    private final HttpClient http;
    private final MediaBudget budget;
    private final Duration memoryWait;
    /** One guarded client per policy (the listed hosts plus one Dify origin): a handful per deployment. */
    private final Map<List<OutboundEntry>, WebClient> clients = new ConcurrentHashMap<>();

    /** @param http the pool and connect timeout of image downloads; guarded here, per policy */
    ImageFetcher(HttpClient http, MediaBudget budget, Duration memoryWait) {
        this.http = http;
        this.budget = budget;
        this.memoryWait = memoryWait;
    }

    /**
     * Fetches {@code uri} and lets {@code use} consume its bytes while their memory is held.
     *
     * @param maxBytes the largest image accepted
     * @param use      what to do with the bytes; fails only with {@link ImageFailure}s
     */
    <T> Mono<T> fetch(URI uri, OutboundPolicy policy, long maxBytes, Function<byte[], Mono<T>> use) {
        OutboundVerdict verdict = policy.check(uri.toString());
        if (!verdict.isAllowed()) {
            return Mono.error(new ImageFailure(ImageOutcome.REFUSED, "refused " + verdict.code()));
        }
        WebClient web = clients.computeIfAbsent(policy.entries(), entries -> WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(GuardedHttpClient.guard(http, policy))).build());
        return Mono.defer(() -> web.get().uri(verdict.uri()).exchangeToMono(response -> opened(response, maxBytes, use)))
                .onErrorMap(e -> !(e instanceof ImageFailure), ImageFetcher::notFetched);
    }

    private <T> Mono<T> opened(ClientResponse response, long maxBytes, Function<byte[], Mono<T>> use) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.releaseBody().then(Mono.error(new ImageFailure(ImageOutcome.UNAVAILABLE,
                    "http " + response.statusCode().value())));
        }
        long length = response.headers().asHttpHeaders().getContentLength();
        if (length > maxBytes) {
            return response.releaseBody().then(Mono.error(new ImageFailure(ImageOutcome.TOO_LARGE,
                    "content-length " + length)));
        }
        Mono<byte[]> bytes = DataBufferUtils.join(response.bodyToFlux(DataBuffer.class), (int) maxBytes)
                .map(ImageFetcher::bytes)
                .onErrorMap(DataBufferLimitException.class,
                        e -> new ImageFailure(ImageOutcome.TOO_LARGE, "over the limit while reading"))
                .switchIfEmpty(Mono.error(() -> new ImageFailure(ImageOutcome.NOT_JPG_PNG, "empty")));
        long held = COPIES * (length >= 0 ? length : maxBytes);
        return budget.holding(held, memoryWait, bytes.flatMap(use));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] out = new byte[buffer.readableByteCount()];
            buffer.read(out);
            return out;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** A request that failed on its way: refused by the guarded client before connecting, or not answered. */
    private static ImageFailure notFetched(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutboundRefusedException refused) {
                return new ImageFailure(ImageOutcome.REFUSED, "refused " + refused.refusal().code());
            }
        }
        return new ImageFailure(ImageOutcome.UNAVAILABLE, error.getClass().getSimpleName());
    }
}
