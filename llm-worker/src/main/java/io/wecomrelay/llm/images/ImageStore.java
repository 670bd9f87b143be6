package io.wecomrelay.llm.images;

import java.time.Duration;

import io.wecomrelay.support.reactive.WheelBound;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Keeps an attached image's standard base64 in Redis ({@code reply-image:{streamId}:{attempt}:{index}}, a string
 * with a TTL) for ingress's final frame and the responder's webhook messages. Written before the chunk that names it
 * is published, so a reader never finds a name without its bytes (unless they expired).
 */
final class ImageStore {

    private final ReactiveStringRedisTemplate redis;
    private final WheelBound timeout;

    ImageStore(ReactiveStringRedisTemplate redis, WheelBound timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    /** Completes once Redis has it; fails with {@link ImageOutcome#STORE_FAILED}. */
    Mono<Void> save(String key, String base64, Duration ttl) {
        return redis.opsForValue().set(key, base64, ttl)
                .as(timeout::on)
                .onErrorMap(e -> new ImageFailure(ImageOutcome.STORE_FAILED, e.getClass().getSimpleName()))
                .flatMap(stored -> stored ? Mono.<Void>empty()
                        : Mono.error(new ImageFailure(ImageOutcome.STORE_FAILED, "not stored")));
    }
}
