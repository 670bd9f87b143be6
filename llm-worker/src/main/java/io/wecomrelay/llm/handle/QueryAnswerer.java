package io.wecomrelay.llm.handle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.identity.IdentityUnavailableException;
import io.wecomrelay.llm.images.AnswerImages;
import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.media.Attachments;
import io.wecomrelay.llm.media.Prepared;
import io.wecomrelay.llm.reply.ChunkFactory;
import io.wecomrelay.llm.reply.DifyReplies;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.llm.reply.ReplyOutcome;
import io.wecomrelay.llm.state.ConversationStore;
import io.wecomrelay.llm.state.MessageStore;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.IdentitySource;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.ReplyChunk;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Answers one query with the bot's Dify app ({@link DifyReplies}): for a bot with {@code identity}, gets the asker's
 * token first ({@link AskerCredentials}; a refused asker gets the bot's {@code unauthorized} text, an unavailable
 * auth service the {@code identity_unavailable} sentence), fills the bot's {@code dify.inputs} from the message
 * ({@link DifyInputValues}), passes its attachments to Dify (their URLs expire; within the reply's
 * deadline), then continues the
 * conversation key's Dify conversation (read in the round trip that started the attempt, see
 * {@link AttemptPublisher}), and afterwards remembers the conversation Dify used and, for a successful
 * answer, the Dify message behind the stream (for feedback). An attachment that cannot be passed on
 * gives a single finished chunk with its sentence instead of an answer. Completion and workflow apps have no
 * conversation: they get none and none is remembered for them.
 * The answer's images are decided before its last chunk goes out ({@link AnswerImages}).
 */
public final class QueryAnswerer {

    private static final Logger log = LoggerFactory.getLogger(QueryAnswerer.class);

    private final ConversationStore conversations;
    private final MessageStore messages;
    private final DifyReplies replies;
    private final Attachments attachments;
    private final AskerCredentials credentials;
    private final AnswerImages images;
    private final Duration deadline;

    /** @param deadline measured from {@code receivedAt}: when the reply must be finished */
    public QueryAnswerer(ConversationStore conversations, MessageStore messages, DifyReplies replies,
                         Attachments attachments, AskerCredentials credentials, AnswerImages images, Duration deadline) {
        this.conversations = conversations;
        this.messages = messages;
        this.replies = replies;
        this.attachments = attachments;
        this.credentials = credentials;
        this.images = images;
        this.deadline = deadline;
    }

    ErrorTexts texts() {
        return replies.texts();
    }

    /**
     * @param conversationId the Dify conversation to continue (read when the attempt started), null for a new one
     */
    Flux<ReplyChunk> answer(MessageAccepted message, BotConfig bot, Input.Query query, ChunkFactory chunks,
                            @Nullable String conversationId) {
        String user = DifyUsers.of(message);
        boolean conversational = bot.dify().appType().conversational();
        var request = new ChatRequest(query.text(), user, conversational ? conversationId : null, List.of(),
                DifyInputValues.of(bot.dify(), message), Map.of());
        IdentitySource identity = bot.identity();
        if (identity == null) {
            return withFiles(message, bot, query, chunks, request, null);
        }
        // the asker's identity first: a refused user gets no download, upload or Dify call
        return credentials.apply(bot, identity, message, request)
                .flatMapMany(verdict -> verdict instanceof AskerCredentials.Verdict.Granted granted
                        ? withFiles(message, bot, query, chunks, granted.request(),
                                refused -> credentials.renew(bot, identity, message, refused))
                        : Flux.just(refused(message, bot, chunks, ((AskerCredentials.Verdict.Refused) verdict).reason())))
                .onErrorResume(IdentityUnavailableException.class, e -> {
                    try (var trace = chunks.trace()) {
                        log.info("reply without identity streamId={} botId={} reason={}", message.streamId(), bot.id(),
                                e.reason());
                    }
                    return Flux.just(failure(chunks, ErrorCodes.IDENTITY_UNAVAILABLE));
                });
    }

    private Flux<ReplyChunk> withFiles(MessageAccepted message, BotConfig bot, Input.Query query, ChunkFactory chunks,
                                       ChatRequest request, DifyReplies.@Nullable Renewal renewal) {
        Instant deadlineAt = message.receivedAt().plus(deadline);
        Mono<Prepared> files;
        try (var trace = chunks.trace()) {
            files = attachments.prepare(bot, message.message().msgId(), request.user(), query.attachments(), deadlineAt);
        }
        return files.flatMapMany(prepared -> {
            if (prepared instanceof Prepared.Failed failed) {
                try (var trace = chunks.trace()) {
                    log.info("attachment not passed on streamId={} code={} cause={}", message.streamId(), failed.code(),
                            failed.cause());
                }
                return Flux.just(failure(chunks, failed.code()));
            }
            var withFiles = request.withFiles(((Prepared.Files) prepared).files());
            var reply = renewal == null ? replies.open(bot.dify(), withFiles, deadlineAt, chunks)
                    : replies.open(bot.dify(), withFiles, deadlineAt, chunks, renewal);
            return images.attach(reply.chunks(), bot, message)
                    .concatWith(Mono.defer(() -> remember(message, request.user(), reply.outcome(),
                            bot.dify().appType().conversational(), chunks))
                    .then(Mono.empty()));
        });
    }

    /** The bot's own "not allowed" text, as when the processor rejects a user; the service's reason is recorded. */
    private ReplyChunk refused(MessageAccepted message, BotConfig bot, ChunkFactory chunks, String reason) {
        try (var trace = chunks.trace()) {
            log.info("asker refused by the auth service streamId={} botId={} reason={}", message.streamId(), bot.id(), reason);
        }
        String text = bot.rejectionText(RejectReason.UNAUTHORIZED);
        return chunks.only(text, new ChunkError(ErrorCodes.IDENTITY_REFUSED, text, reason));
    }

    private ReplyChunk failure(ChunkFactory chunks, String code) {
        String sentence = texts().sentence(code);
        return chunks.only(sentence, new ChunkError(code, sentence));
    }

    /**
     * Saves what later messages and feedback need, both writes at once (one round trip when both are saves); a failure
     * here must not redo an answer that was sent.
     */
    private Mono<Void> remember(MessageAccepted message, String user, ReplyOutcome outcome, boolean conversational,
                                ChunkFactory chunks) {
        boolean answered = outcome.succeeded() && outcome.messageId() != null;
        if (answered && conversational && outcome.conversationId() != null) {
            var difyMessage = new MessageStore.DifyMessage(message.botId(), outcome.messageId(), user);
            return bestEffort(messages.save(message.streamId(), difyMessage, conversations, message.conversationKey(),
                    outcome.conversationId()), "conversation and message", message, chunks);
        }
        Mono<Void> conversation = Mono.empty();
        if (conversational && outcome.conversationId() != null) {
            conversation = conversations.save(message.conversationKey(), outcome.conversationId());
        } else if (conversational && outcome.conversationLost()) {
            conversation = conversations.forget(message.conversationKey());
        }
        Mono<Void> saved = answered
                ? messages.save(message.streamId(), new MessageStore.DifyMessage(message.botId(), outcome.messageId(), user))
                : Mono.empty();
        return Mono.when(bestEffort(conversation, "conversation", message, chunks),
                bestEffort(saved, "message", message, chunks));
    }

    private static Mono<Void> bestEffort(Mono<Void> write, String what, MessageAccepted message, ChunkFactory chunks) {
        return write.onErrorResume(e -> {
            try (var trace = chunks.trace()) {
                log.warn("cannot store {} conversationKey={} streamId={} cause={}", what, message.conversationKey(),
                        message.streamId(), e.toString());
            }
            return Mono.empty();
        });
    }
}
