package io.wecomrelay.ingress.refresh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.Timer;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import io.wecomrelay.support.reactive.WheelTimeout;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The images of a finished stream's final frame ({@code msg_item}): the worker attached them to the reply and keeps
 * their base64 in Redis; the stream hash names their keys and MD5s ({@link StreamSnapshot#attached()}, only keys of
 * the stream itself). One {@code MGET}, only for the finishing frame. An image whose bytes are gone is left out
 * ({@code relay.ingress.images{bot,outcome=missing}}); when Redis does not answer, the frame finishes without its
 * images ({@code outcome=unavailable}) rather than keep the stream open: every stream reaches {@code finish}.
 */
public final class FinalFrameImages {

    private static final Logger log = LoggerFactory.getLogger(FinalFrameImages.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private final MeterRegistry meters;
    private final Timer wheel;

    /** @param wheel where the read's timeout is set: Lettuce's command timer ({@link WheelTimeout}) */
    public FinalFrameImages(ReactiveStringRedisTemplate redis, Duration timeout, MeterRegistry meters, Timer wheel) {
        this.redis = redis;
        this.timeout = timeout;
        this.meters = meters;
        this.wheel = wheel;
    }

    /**
     * At most {@link StreamReply#MAX_IMAGES}, in the reply's order; never fails. {@code traceId}, the message's (null
     * when unknown), goes with the warnings. Lettuce's event loop answers, the wheel's thread times out: the images
     * are picked, counted and logged on {@code continuation}, the request's event loop.
     */
    Mono<List<StreamImage>> load(String botId, String streamId, List<StreamSnapshot.AttachedImage> attached,
                                 @Nullable String traceId, Scheduler continuation) {
        if (attached.isEmpty()) {
            return Mono.just(List.of());
        }
        List<StreamSnapshot.AttachedImage> wanted = attached.subList(0, Math.min(attached.size(), StreamReply.MAX_IMAGES));
        var read = redis.opsForValue().multiGet(wanted.stream().map(StreamSnapshot.AttachedImage::key).toList());
        return WheelTimeout.bound(read, wheel, timeout)
                .publishOn(continuation)
                .map(values -> images(botId, streamId, wanted, values, traceId))
                .onErrorResume(e -> {
                    try (var trace = TraceLog.ofTraceId(traceId)) {
                        log.warn("final frame without its images bot={} streamId={} cause={}", botId, streamId,
                                e.getClass().getSimpleName());
                    }
                    count(botId, "unavailable", wanted.size());
                    return Mono.just(List.of());
                });
    }

    private List<StreamImage> images(String botId, String streamId, List<StreamSnapshot.AttachedImage> wanted,
                                     List<@Nullable String> values, @Nullable String traceId) {
        var images = new ArrayList<StreamImage>(wanted.size());
        for (int i = 0; i < wanted.size(); i++) {
            String base64 = i < values.size() ? values.get(i) : null;
            if (base64 == null || base64.isEmpty()) {
                continue;
            }
            images.add(new StreamImage(base64, wanted.get(i).md5()));
        }
        int missing = wanted.size() - images.size();
        if (missing > 0) {
            try (var trace = TraceLog.ofTraceId(traceId)) {
                log.warn("final frame images left out bot={} streamId={} missing={}", botId, streamId, missing);
            }
            count(botId, "missing", missing);
        }
        count(botId, "sent", images.size());
        return images;
    }

    private void count(String botId, String outcome, int images) {
        if (images > 0) {
            meters.counter("relay.ingress.images", "bot", botId, "outcome", outcome).increment(images);
        }
    }
}
