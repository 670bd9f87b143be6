package io.wecomrelay.llm.handle;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.reply.ChunkFactory;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.llm.reply.ReplyOutcome;
import io.wecomrelay.llm.reply.ReplyStreams;
import io.wecomrelay.llm.state.ConversationStore;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Produces the chunks of one attempt for one input: a Dify answer for a query (continuing the
 * conversation key's Dify conversation and remembering the one Dify used), or a single finished
 * chunk for a reset, an empty message, an unsupported type or an unknown bot.
 */
public final class ReplyRunner {

    private static final Logger log = LoggerFactory.getLogger(ReplyRunner.class);

    /**
     * @param deadline   measured from {@code receivedAt}: when the reply must be finished
     * @param resetDone  the reply to a reset command
     * @param emptyQuery the reply to an empty message
     */
    public record Settings(Duration deadline, String resetDone, String emptyQuery) {
    }

    private final BotRegistry bots;
    private final ConversationStore conversations;
    private final ReplyStreams replies;
    private final Settings settings;
    private final InFlight inFlight;

    public ReplyRunner(BotRegistry bots, ConversationStore conversations, ReplyStreams replies, Settings settings,
                InFlight inFlight) {
        this.bots = bots;
        this.conversations = conversations;
        this.replies = replies;
        this.settings = settings;
        this.inFlight = inFlight;
    }

    /** Counts replies being generated, per bot. */
    public interface InFlight {
        void changed(String botId, int delta);
    }

    Flux<ReplyChunk> run(MessageAccepted message, Input input, ChunkFactory chunks) {
        Optional<BotConfig> bot = bots.find(message.botId());
        if (bot.isEmpty()) {
            log.warn("unknown bot botId={} streamId={}", message.botId(), message.streamId());
            return Flux.just(failure(chunks, ErrorCodes.BOT_UNKNOWN));
        }
        if (input instanceof Input.Query query) {
            return answer(message, bot.get(), query.text(), chunks)
                    .doOnSubscribe(s -> inFlight.changed(message.botId(), 1))
                    .doFinally(signal -> inFlight.changed(message.botId(), -1));
        }
        if (input instanceof Input.Reset) {
            log.info("conversation reset conversationKey={} streamId={}", message.conversationKey(), message.streamId());
            return conversations.forget(message.conversationKey())
                    .thenMany(Flux.just(chunks.only(settings.resetDone(), null)));
        }
        if (input instanceof Input.Empty) {
            return Flux.just(chunks.only(settings.emptyQuery(), null));
        }
        log.info("unsupported input msgType={} streamId={}", ((Input.Unsupported) input).msgType(), message.streamId());
        return Flux.just(failure(chunks, ErrorCodes.UNSUPPORTED_INPUT));
    }

    private Flux<ReplyChunk> answer(MessageAccepted message, BotConfig bot, String query, ChunkFactory chunks) {
        String key = message.conversationKey();
        return conversations.find(key)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMapMany(conversationId -> {
                    var request = new ChatRequest(query, DifyUsers.of(message), conversationId.orElse(null), List.of());
                    var reply = replies.open(bot.dify(), request, message.receivedAt().plus(settings.deadline()), chunks);
                    return reply.chunks().concatWith(Mono.defer(() -> remember(key, reply.outcome())).then(Mono.empty()));
                });
    }

    /** Saves the conversation Dify used; a failure here must not redo an answer that was sent. */
    private Mono<Void> remember(String key, ReplyOutcome outcome) {
        Mono<Void> change;
        if (outcome.conversationId() != null) {
            change = conversations.save(key, outcome.conversationId());
        } else if (outcome.conversationLost()) {
            change = conversations.forget(key);
        } else {
            return Mono.empty();
        }
        return change.onErrorResume(e -> {
            log.warn("cannot store conversation conversationKey={} cause={}", key, e.toString());
            return Mono.empty();
        });
    }

    private ReplyChunk failure(ChunkFactory chunks, String code) {
        String sentence = replies.texts().sentence(code);
        return chunks.only(sentence, new ChunkError(code, sentence));
    }
}
