package io.wecomrelay.llm.reply;

import io.wecomrelay.schemas.event.ReplyChunk;
import reactor.core.publisher.Flux;

/** One attempt at one reply, ready to run. */
public interface Reply {

    /**
     * Starts the attempt on subscription (once). Emits chunks numbered from 0 and completes after the
     * one {@code last} chunk; never errors. Cancelling abandons the attempt and stops the Dify task.
     */
    Flux<ReplyChunk> chunks();

    /** How it ended; meaningful once {@link #chunks()} completed. */
    ReplyOutcome outcome();
}
