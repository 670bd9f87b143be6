package io.wecomrelay.llm.handle;

import java.util.Optional;

import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.reply.ChunkFactory;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.llm.state.AnswerRests;
import io.wecomrelay.llm.state.ConversationStore;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Makes the chunks of one attempt for one input: a Dify answer for a query ({@link QueryAnswerer}),
 * or a single finished chunk for a reset (after forgetting the conversation), an empty message, an
 * unsupported type or an unknown bot. A query that is one of the bot's continue words, from the user a long answer's
 * rest was kept for in this conversation, gets the rest's next part instead of a Dify answer ({@link AnswerRests}).
 */
public final class ReplyComposer {

    private static final Logger log = LoggerFactory.getLogger(ReplyComposer.class);

    /**
     * @param resetDone  the reply to a reset command
     * @param emptyQuery the reply to an empty message
     */
    public record Settings(String resetDone, String emptyQuery) {
    }

    private final ConversationStore conversations;
    private final QueryAnswerer answerer;
    private final Settings settings;
    private final InFlight inFlight;
    private final AnswerRests rests;
    private final Continuations continuations;

    public ReplyComposer(ConversationStore conversations, QueryAnswerer answerer, Settings settings, InFlight inFlight,
                         AnswerRests rests, Continuations continuations) {
        this.conversations = conversations;
        this.answerer = answerer;
        this.settings = settings;
        this.inFlight = inFlight;
        this.rests = rests;
        this.continuations = continuations;
    }

    /** Counts continue words, per bot and {@link AnswerRests.Taken#outcome()}. */
    public interface Continuations {
        void continued(String botId, String outcome);
    }

    /** Counts replies being generated, per bot. */
    public interface InFlight {
        void changed(String botId, int delta);
    }

    /**
     * @param chunks         the attempt's chunk envelope, with the bot settings it answers under
     * @param conversationId the Dify conversation a query continues, null for a new one
     */
    Flux<ReplyChunk> compose(MessageAccepted message, Input input, ChunkFactory chunks, @Nullable String conversationId) {
        Optional<BotConfig> bot = chunks.bot();
        if (bot.isEmpty()) {
            log.warn("unknown bot botId={} streamId={}", message.botId(), message.streamId());
            return Flux.just(failure(chunks, ErrorCodes.BOT_UNKNOWN));
        }
        if (input instanceof Input.Query query && asksForRest(bot.get(), query)) {
            // a Redis failure here redoes the message before Dify was called, like the ledger's start
            return rests.take(message).flatMapMany(taken -> {
                continuations.continued(message.botId(), taken.outcome());
                try (var trace = chunks.trace()) {
                    log.info("continue word streamId={} conversationKey={} outcome={}", message.streamId(),
                            message.conversationKey(), taken.outcome());
                }
                return taken.text() == null ? answer(message, bot.get(), query, chunks, conversationId)
                        : Flux.just(chunks.only(taken.text(), null));
            });
        }
        if (input instanceof Input.Query query) {
            return answer(message, bot.get(), query, chunks, conversationId);
        }
        if (input instanceof Input.Reset) {
            log.info("conversation reset conversationKey={} streamId={}", message.conversationKey(), message.streamId());
            return conversations.forget(message.conversationKey())
                    .thenMany(Flux.just(chunks.only(settings.resetDone(), null)));
        }
        if (input instanceof Input.Empty) {
            return Flux.just(chunks.only(settings.emptyQuery(), null));
        }
        String msgType = input instanceof Input.Unsupported unsupported ? unsupported.msgType()
                : input.getClass().getSimpleName();
        log.info("unsupported input msgType={} streamId={}", msgType, message.streamId());
        return Flux.just(failure(chunks, ErrorCodes.UNSUPPORTED_INPUT));
    }

    private static boolean asksForRest(BotConfig bot, Input.Query query) {
        return bot.keepsRests() && query.attachments().isEmpty() && bot.isContinueWord(query.text());
    }

    private Flux<ReplyChunk> answer(MessageAccepted message, BotConfig bot, Input.Query query, ChunkFactory chunks,
                                    @Nullable String conversationId) {
        return answerer.answer(message, bot, query, chunks, conversationId)
                .doOnSubscribe(s -> inFlight.changed(message.botId(), 1))
                .doFinally(signal -> inFlight.changed(message.botId(), -1));
    }

    private ReplyChunk failure(ChunkFactory chunks, String code) {
        String sentence = answerer.texts().sentence(code);
        return chunks.only(sentence, new ChunkError(code, sentence));
    }
}
