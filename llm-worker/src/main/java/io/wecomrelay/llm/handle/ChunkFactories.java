package io.wecomrelay.llm.handle;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

import io.wecomrelay.llm.reply.ChunkFactory;
import io.wecomrelay.schemas.event.MessageAccepted;

/** Makes the chunk envelope of one attempt; holds the injected clock and id source. */
public final class ChunkFactories {

    private final Clock clock;
    private final Supplier<UUID> ids;

    public ChunkFactories(Clock clock, Supplier<UUID> ids) {
        this.clock = clock;
        this.ids = ids;
    }

    ChunkFactory forAttempt(MessageAccepted message, int attempt, String traceId) {
        return new ChunkFactory(message, attempt, traceId, clock, ids);
    }
}
