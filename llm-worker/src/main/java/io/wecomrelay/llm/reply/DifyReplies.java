package io.wecomrelay.llm.reply;

import java.time.Duration;
import java.time.Instant;

import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.schemas.bot.DifyApp;
import reactor.core.publisher.Mono;

/**
 * Opens reply attempts against a bot's Dify app: one {@link ReplySession} per attempt, with the settings every
 * session shares. Thread-safe; one per worker.
 */
public final class DifyReplies {

    /** The title line of a reasoning model's thinking unless {@code texts.reasoning-title} says otherwise. */
    public static final String DEFAULT_REASONING_TITLE = "💭 思考过程 (Reasoning)";

    /**
     * @param coalesceInterval at most one chunk per interval after the first
     * @param coalesceMaxChars a chunk goes out early when this many characters wait
     * @param idleTimeout      silence after which a reply is finished and stopped (up to a tick of the timer wheel
     *                         later, {@link ReplyTimers})
     * @param showThoughts     show an agent's tool calls ({@code > 🔧 tool…}) until the answer starts
     * @param maxAnswerBytes   the largest answer (UTF-8 bytes); a longer one is cut there, finished with a
     *                         note and its Dify task stopped
     * @param reasoningTitle   the title line of a reasoning model's thinking where it is shown
     * @param reasoningShownBytes the most of the thinking shown while the answer streams (its latest part)
     */
    public record Settings(Duration coalesceInterval, int coalesceMaxChars, Duration idleTimeout, boolean showThoughts,
                           long maxAnswerBytes, String reasoningTitle, long reasoningShownBytes) {

        public Settings(Duration coalesceInterval, int coalesceMaxChars, Duration idleTimeout, boolean showThoughts,
                        long maxAnswerBytes) {
            this(coalesceInterval, coalesceMaxChars, idleTimeout, showThoughts, maxAnswerBytes,
                    DEFAULT_REASONING_TITLE, ReplyTools.DEFAULT_REASONING_SHOWN_BYTES);
        }
    }

    private final DifyClient dify;
    private final ReplyTools tools;

    public DifyReplies(DifyClient dify, Settings settings, ErrorTexts texts, ReplyTimers timers, ReplyMetrics metrics) {
        this.dify = dify;
        this.tools = new ReplyTools(settings.coalesceInterval(), settings.coalesceMaxChars(), settings.idleTimeout(),
                settings.showThoughts(), settings.maxAnswerBytes(), texts, timers, metrics, settings.reasoningTitle(),
                settings.reasoningShownBytes());
    }

    /**
     * A reply to {@code request} that is finished by {@code deadlineAt} at the latest.
     *
     * @param chunks the envelope of this attempt's chunks
     */
    public Reply open(DifyApp app, ChatRequest request, Instant deadlineAt, ChunkFactory chunks) {
        return new ReplySession(r -> dify.chat(app, r), taskId -> dify.stop(app, taskId, request.user()),
                request, deadlineAt.toEpochMilli(), chunks, tools, tools.rules(app));
    }

    /**
     * Like {@link #open(DifyApp, ChatRequest, Instant, ChunkFactory)} for a request that carries the asker's
     * credentials: when Dify answers 401 or 403 before streaming, the request is renewed once ({@code renewal}, a
     * fresh token) and sent again. A renewal that fails ends the reply with the failure's code ({@link CodedFailure}).
     */
    public Reply open(DifyApp app, ChatRequest request, Instant deadlineAt, ChunkFactory chunks, Renewal renewal) {
        return new ReplySession(r -> dify.chat(app, r).onErrorResume(DifyReplies::credentialsRefused,
                        refused -> renewal.renew(r).flatMapMany(renewed -> dify.chat(app, renewed))),
                taskId -> dify.stop(app, taskId, request.user()), request, deadlineAt.toEpochMilli(), chunks, tools,
                tools.rules(app));
    }

    /** Makes a request with fresh credentials after Dify turned the old ones down. */
    public interface Renewal {
        Mono<ChatRequest> renew(ChatRequest refused);
    }

    private static boolean credentialsRefused(Throwable error) {
        return error instanceof DifyApiException api && (api.status() == 401 || api.status() == 403);
    }

    public ErrorTexts texts() {
        return tools.texts();
    }
}
