package io.wecomrelay.llm.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.netty.util.Timer;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.support.reactive.WheelTimeout;
import io.wecomrelay.support.stream.StreamFoldScripts;
import io.wecomrelay.support.tracing.HopLatency;
import reactor.core.publisher.Mono;

/**
 * Folds a preview (a chunk before an attempt's last) into {@code stream:{streamId}} with the responder's own script
 * ({@link StreamFoldScripts}), so that it follows the same attempt and sequence rules: a zombie attempt's preview is
 * stale once a later attempt folded, a redone preview a duplicate, nothing changes a finished stream.
 * <p>
 * A preview never finishes the stream and is cut without a note where it passes WeCom's 20,480 bytes: the last
 * chunk, which the responder folds, decides the final text, its notes and the continuation. A fold that fails or
 * takes longer than the timeout is counted and dropped, never the reply: previews are best effort, the last chunk
 * replaces them.
 */
public final class StreamPreviews implements PreviewStore {

    /** Counts folds by outcome: the script's status in lower case, or {@code failed}. */
    public interface Metrics {
        void preview(String botId, String outcome);
    }

    /**
     * @param streamTtl     lifetime of the stream hash after a preview, as the responder's
     *                      {@code relay.responder.stream.ttl} after each fold
     * @param timeout       how long one fold may take before it is dropped (up to a tick of the timer wheel more)
     * @param maxAnswerBytes the whole answer a preview keeps past the stream's bytes, as the worker cuts it
     */
    public record Settings(Duration streamTtl, Duration timeout, long maxAnswerBytes) {
    }

    private static final String FAILED = "failed";

    private final FoldCalls folds;
    private final Clock clock;
    private final Settings settings;
    private final Metrics metrics;
    private final HopLatency hops;
    private final Timer wheel;

    /**
     * @param folds how a fold reaches Redis: on its own or in a batch of several streams' folds
     * @param hops  where a folded preview's {@code delta_to_redis} goes, as the responder's folds'
     * @param wheel where each fold's timeout is set (its wait for the batch included): Lettuce's command timer
     *              ({@link WheelTimeout})
     */
    public StreamPreviews(FoldCalls folds, Clock clock, Settings settings, Metrics metrics, HopLatency hops,
                          Timer wheel) {
        this.folds = folds;
        this.wheel = wheel;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
        this.hops = hops;
    }

    @Override
    public Mono<Void> fold(ReplyChunk preview) {
        return folds.fold(StreamStateKeys.key(preview.streamId()), args(preview))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("fold-chunk.lua returned nothing")))
                .as(fold -> WheelTimeout.bound(fold, wheel, settings.timeout()))
                .doOnNext(reply -> {
                    hops.recordMillis(HopLatency.DELTA_TO_REDIS, preview.botId(), preview.meta().occurredAt().toEpochMilli(),
                            clock.millis());
                    metrics.preview(preview.botId(), String.valueOf(reply.get(0)).toLowerCase(Locale.ROOT));
                })
                .doOnError(e -> metrics.preview(preview.botId(), FAILED))
                .then();
    }

    /** fold-chunk.lua's arguments for a chunk that is not last, without a reply record, notes or a delivery job. */
    List<String> args(ReplyChunk preview) {
        return List.of(Integer.toString(preview.attempt()), Long.toString(preview.seq()), preview.kind().name(),
                preview.text(), "0", "", "", Long.toString(clock.millis()), Long.toString(settings.streamTtl().toMillis()),
                Integer.toString(StreamStateKeys.MAX_CONTENT_BYTES), "", "0", "",
                Long.toString(Math.max(settings.maxAnswerBytes(), StreamStateKeys.MAX_CONTENT_BYTES)), "",
                preview.botId());
    }
}
