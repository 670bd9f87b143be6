package io.wecomrelay.llm.handle;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

import io.wecomrelay.llm.reply.ChunkFactory;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.jspecify.annotations.Nullable;

/** Makes the chunk envelope of one attempt, with the bot settings in force; holds the injected clock and id source. */
public final class ChunkFactories {

    private final BotSource bots;
    private final Clock clock;
    private final Supplier<UUID> ids;

    public ChunkFactories(BotSource bots, Clock clock, Supplier<UUID> ids) {
        this.bots = bots;
        this.clock = clock;
        this.ids = ids;
    }

    ChunkFactory forAttempt(MessageAccepted message, int attempt, String traceId, @Nullable String traceparent) {
        return new ChunkFactory(message, bots.find(message.botId()).orElse(null), attempt, traceId, traceparent, clock, ids);
    }
}
