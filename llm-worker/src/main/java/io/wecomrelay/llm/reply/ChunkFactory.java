package io.wecomrelay.llm.reply;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;

/**
 * Puts the envelope (ids, attempt, route, trace, policy version) around the pieces of one attempt at one message. The
 * bot settings are looked up once per attempt and held here, so that the whole attempt answers under one version of
 * them (a reload of the bots file meanwhile applies to the next attempt) and every chunk names that version.
 * It also carries the reply span's traceparent, so that what logs about the attempt on a Netty, Lettuce or timer
 * thread can put the trace in its line ({@link #trace()}).
 */
public final class ChunkFactory {

    private final MessageAccepted message;
    private final @Nullable BotConfig bot;
    private final String policyVersion;
    private final int attempt;
    private final String traceId;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final ReplyRoute route;
    private final @Nullable String traceparent;

    /** @param bot the message's bot in the bots file now; null when the file does not know it */
    public ChunkFactory(MessageAccepted message, @Nullable BotConfig bot, int attempt, String traceId, Clock clock,
                        Supplier<UUID> ids) {
        this(message, bot, attempt, traceId, null, clock, ids);
    }

    /** @param traceparent the reply span's, null without one */
    public ChunkFactory(MessageAccepted message, @Nullable BotConfig bot, int attempt, String traceId,
                        @Nullable String traceparent, Clock clock, Supplier<UUID> ids) {
        this.traceparent = traceparent;
        this.message = message;
        this.bot = bot;
        this.policyVersion = bot == null ? BotConfig.NO_POLICY : bot.policyVersion();
        this.attempt = attempt;
        this.traceId = traceId;
        this.clock = clock;
        this.ids = ids;
        this.route = ReplyRoute.of(message.message());
    }

    public String botId() {
        return message.botId();
    }

    /** The bot settings this attempt answers under; empty when the bots file does not know the bot. */
    public Optional<BotConfig> bot() {
        return Optional.ofNullable(bot);
    }

    public int attempt() {
        return attempt;
    }

    /** The reply's trace in the log context until closed, around a line logged outside its span's scope. */
    public TraceLog trace() {
        return TraceLog.of(traceparent);
    }

    /** A reply that is a single finished chunk (reset confirmation, unsupported input, unknown bot). */
    public ReplyChunk only(String text, @Nullable ChunkError error) {
        return build(0, ChunkKind.APPEND, text, true, error, null, List.of());
    }

    /**
     * The chunk that finishes an attempt after Kafka refused one of its chunks for good
     * ({@link ErrorCodes#CHUNK_REFUSED}).
     *
     * @param seq       after every chunk the attempt made
     * @param afterText whether text of the attempt went out before it (the note then follows a blank line)
     * @param texts     where the note comes from
     */
    public ReplyChunk refusalNote(long seq, boolean afterText, ErrorTexts texts) {
        String sentence = texts.sentence(ErrorCodes.CHUNK_REFUSED);
        return build(seq, ChunkKind.APPEND, afterText ? "\n\n" + sentence : sentence, true,
                new ChunkError(ErrorCodes.CHUNK_REFUSED, sentence), null, List.of());
    }

    ReplyChunk chunk(ChunkAssembler.Piece piece) {
        return build(piece.seq(), piece.kind(), piece.text(), piece.last(), piece.error(), piece.usage(), piece.images());
    }

    private ReplyChunk build(long seq, ChunkKind kind, String text, boolean last, @Nullable ChunkError error,
                             io.wecomrelay.schemas.event.@Nullable Usage usage, List<String> images) {
        return new ReplyChunk(new EventMeta(ids.get(), traceId, clock.instant()), message.botId(), message.streamId(),
                message.conversationKey(), message.message().msgId(), attempt, seq, kind, text, last, error, usage,
                images, route, message.receivedAt(), List.of(), policyVersion);
    }
}
