package io.wecomrelay.llm.publish;

import io.wecomrelay.schemas.event.ReplyChunk;
import reactor.core.publisher.Mono;

/** Where the worker folds a streaming answer's previews: {@link StreamPreviews}. */
public interface PreviewStore {

    /** Completes once the preview is folded (whether it changed the stream or not); fails when it was not. */
    Mono<Void> fold(ReplyChunk preview);
}
