package io.wecomrelay.llm.publish;

import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Takes one attempt's previews off its way to Kafka ({@link Previews#REDIS}, {@link Previews#NONE}): each one is
 * folded into the stream ({@link StreamPreviews}) or dropped, and the last chunk leaves carrying the whole answer
 * (a {@code REPLACE}), as the responder's fold of every chunk would have made it. So the responder finishes the
 * stream with the right text whatever became of the previews.
 * <p>
 * A preview is folded only once the one before it was, and the last chunk is passed on only once every preview
 * was: none can land after the last chunk, and a stream's sequence numbers reach Redis in order. After a preview
 * that could not be folded, the next one replaces the stream's text with the answer so far, so that the stream
 * does not go on without the missing piece. Not thread-safe: one per attempt, whose chunks come one at a time.
 */
final class AttemptPreviews {

    private static final Logger log = LoggerFactory.getLogger(AttemptPreviews.class);

    private final @Nullable PreviewStore store;
    private final @Nullable String traceparent;
    private final ReplyText answer = new ReplyText();
    private boolean behind;
    private boolean failureLogged;

    /** @param store where previews go; null to drop them */
    AttemptPreviews(@Nullable PreviewStore store, @Nullable String traceparent) {
        this.store = store;
        this.traceparent = traceparent;
    }

    /** The chunks that go to Kafka: the last one, whole. */
    Flux<ReplyChunk> lastOnly(Flux<ReplyChunk> chunks) {
        // the fold's reply comes on Lettuce's I/O thread, which then only hands the next preview to Redis
        return chunks.concatMap(chunk -> {
            answer.apply(chunk);
            if (chunk.last()) {
                return Mono.just(chunk.replacing(answer.toString()));
            }
            return store == null ? Mono.empty() : preview(store, behind ? chunk.replacing(answer.toString()) : chunk);
        });
    }

    private Mono<ReplyChunk> preview(PreviewStore store, ReplyChunk preview) {
        return store.fold(preview)
                .doOnSuccess(done -> behind = false)
                .onErrorResume(e -> {
                    behind = true;
                    if (!failureLogged) {
                        failureLogged = true;
                        try (var trace = TraceLog.of(traceparent)) {
                            log.warn("preview not folded into the stream, the next one replaces its text streamId={} "
                                    + "attempt={} seq={} cause={}", preview.streamId(), preview.attempt(), preview.seq(),
                                    e.getClass().getSimpleName());
                        }
                    }
                    return Mono.empty();
                })
                .then(Mono.empty());
    }
}
