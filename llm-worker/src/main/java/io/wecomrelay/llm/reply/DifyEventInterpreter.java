package io.wecomrelay.llm.reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.StreamLimitException;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;

/**
 * What each Dify event means for the reply: the pieces to send and whether the reply ends. Pure, with time
 * passed in as milliseconds; the {@link ReplySession} around it owns the timers and the subscription.
 * <ul>
 * <li>{@code message} and {@code agent_message}: more answer text (coalesced by the {@link ChunkAssembler}).
 *     New Agent apps close with one {@code message} that holds the whole answer: after an
 *     {@code agent_message}, a {@code message} replaces the answer;</li>
 * <li>{@code message_replace}: replaces the answer (a {@code REPLACE} piece);</li>
 * <li>{@code message_file}: a Markdown link, an image for images, which the last piece also lists; text after
 *     a file starts after a blank line;</li>
 * <li>{@code agent_thought} with a tool, when thoughts are shown: a status line ({@code > 🔧 tool…}) until
 *     the answer starts;</li>
 * <li>{@code message_end}: the reply ends with its usage ({@link ErrorCodes#EMPTY_ANSWER} when there was
 *     neither text nor a file);</li>
 * <li>{@code error}: the reply ends with Dify's code;</li>
 * <li>an oversized line or event, or an answer past {@code maxAnswerBytes} (cut there on a whole
 *     character): the reply ends with the bound's code and the task is to be stopped;</li>
 * <li>{@code workflow_finished} that failed is remembered for a stream that then closes without an end;
 *     {@code ping} and every other event only carry ids.</li>
 * </ul>
 * Not thread-safe.
 */
final class DifyEventInterpreter {

    /**
     * What one event asks of the session.
     *
     * @param pieces    to send now, in order
     * @param end       the reply ends after them; null when it goes on
     * @param firstText this event brought the reply's first answer text
     */
    record Step(List<ChunkAssembler.Piece> pieces, @Nullable End end, boolean firstText) {
        Step {
            pieces = List.copyOf(pieces);
        }
    }

    /**
     * How the reply ends.
     *
     * @param errorCode null for Dify's {@code message_end}, else the code of the last piece
     * @param usage     Dify's usage, on {@code message_end}
     * @param stopTask  Dify's task may still be generating and is to be stopped
     * @param limit     the bound that was passed ({@code line}, {@code event}, {@code answer}), if that is why
     */
    record End(@Nullable String errorCode, @Nullable Usage usage, boolean stopTask, @Nullable String limit) {

        static End failed(String errorCode, boolean stopTask) {
            return new End(errorCode, null, stopTask, null);
        }
    }

    private static final String ANSWER_LIMIT = "answer";

    private final ChunkAssembler assembler;
    private final long maxAnswerBytes;
    private final boolean showThoughts;
    private final ErrorTexts texts;
    private final List<String> images = new ArrayList<>();
    private boolean sawAgentMessage;
    private boolean afterFile;
    private boolean workflowFailed;
    private boolean sawText;
    private @Nullable String taskId;
    private @Nullable String conversationId;
    private @Nullable String messageId;
    private @Nullable String errorCode;

    /**
     * @param maxAnswerBytes the largest answer (UTF-8 bytes)
     * @param showThoughts   show an agent's tool calls until the answer starts
     */
    DifyEventInterpreter(Duration coalesceInterval, int coalesceMaxChars, long maxAnswerBytes, boolean showThoughts,
                         ErrorTexts texts) {
        this.assembler = new ChunkAssembler(coalesceInterval, coalesceMaxChars);
        this.maxAnswerBytes = maxAnswerBytes;
        this.showThoughts = showThoughts;
        this.texts = texts;
    }

    Step read(DifyEvent event, long now) {
        remember(event.ids());
        var pieces = new ArrayList<ChunkAssembler.Piece>();
        End end = null;
        boolean firstText = false;
        if (event instanceof DifyEvent.Text text) {
            firstText = !text.answer().isEmpty() && !sawText;
            sawText = sawText || firstText;
            end = onText(text, now, pieces);
        } else if (event instanceof DifyEvent.Replace replace) {
            end = replace(replace.answer(), now, pieces);
        } else if (event instanceof DifyEvent.File file) {
            end = onFile(file, now, pieces);
        } else if (event instanceof DifyEvent.Thought thought && showThoughts) {
            onThought(thought, now, pieces);
        } else if (event instanceof DifyEvent.End success) {
            end = new End(null, success.usage(), false, null);
        } else if (event instanceof DifyEvent.Oversized oversized) {
            var limit = oversized.limit();
            end = new End(limit == StreamLimitException.Limit.LINE ? ErrorCodes.DIFY_LINE_TOO_LONG
                    : ErrorCodes.DIFY_EVENT_TOO_LARGE, null, true, limit.tag());
        } else if (event instanceof DifyEvent.Failure failure) {
            end = End.failed(failure.code(), false);
        } else if (event instanceof DifyEvent.WorkflowFailed) {
            workflowFailed = true;
        }
        return new Step(pieces, end, firstText);
    }

    /** The code of a stream that completed without {@code message_end} or {@code error}. */
    String closedWithoutEnd() {
        return workflowFailed ? ErrorCodes.WORKFLOW_FAILED : ErrorCodes.NO_TERMINAL;
    }

    /** The code of a request that failed: Dify's own, or {@link ErrorCodes#NETWORK_ERROR} for any other failure. */
    static String failureCode(Throwable error) {
        if (error instanceof CodedFailure coded) {
            return coded.code();
        }
        return error instanceof DifyApiException api ? api.code() : ErrorCodes.NETWORK_ERROR;
    }

    /** Called when the timer set for {@link #nextFlushAt()} fires. */
    List<ChunkAssembler.Piece> flush(long now) {
        return assembler.flush(now);
    }

    /** When waiting text becomes due, or empty when nothing waits. */
    OptionalLong nextFlushAt() {
        return assembler.nextFlushAt();
    }

    /**
     * The last piece. Without {@code code} it is the answer's end with {@code usage}, unless there is no answer
     * ({@link ErrorCodes#EMPTY_ANSWER}); with one, what waits plus the code's sentence.
     */
    ChunkAssembler.Piece finish(@Nullable String code, @Nullable Usage usage) {
        if (code == null && (assembler.hasText() || !images.isEmpty())) {
            return assembler.finish(null, null, usage, images);
        }
        errorCode = code == null ? ErrorCodes.EMPTY_ANSWER : code;
        String sentence = texts.sentence(errorCode);
        return assembler.finish(sentence, new ChunkError(errorCode, sentence), null, images);
    }

    /** Null unless the reply finished with an error. */
    @Nullable String errorCode() {
        return errorCode;
    }

    @Nullable String taskId() {
        return taskId;
    }

    @Nullable String conversationId() {
        return conversationId;
    }

    @Nullable String messageId() {
        return messageId;
    }

    /** Pieces made so far, the last one included. */
    long pieces() {
        return assembler.nextSeq();
    }

    private @Nullable End onText(DifyEvent.Text text, long now, List<ChunkAssembler.Piece> pieces) {
        if (text.answer().isEmpty()) {
            return null;
        }
        if (text.source() == DifyEvent.Source.AGENT_MESSAGE) {
            sawAgentMessage = true;
        } else if (sawAgentMessage) {
            // New Agent apps close with one "message" that holds the whole answer
            return replace(text.answer(), now, pieces);
        }
        String answer = afterFile ? "\n\n" + text.answer() : text.answer();
        afterFile = false;
        return append(answer, now, pieces);
    }

    /** Adds answer text up to the answer bound; past it, what fits goes out and the reply ends. */
    private @Nullable End append(String text, long now, List<ChunkAssembler.Piece> pieces) {
        long room = maxAnswerBytes - assembler.answerBytes();
        if (Utf8Bounds.length(text) <= room) {
            pieces.addAll(assembler.append(text, now));
            return null;
        }
        pieces.addAll(assembler.append(Utf8Bounds.prefix(text, room), now));
        return answerTooLong();
    }

    private @Nullable End replace(String text, long now, List<ChunkAssembler.Piece> pieces) {
        if (Utf8Bounds.length(text) <= maxAnswerBytes) {
            pieces.addAll(assembler.replace(text, now));
            return null;
        }
        pieces.addAll(assembler.replace(Utf8Bounds.prefix(text, maxAnswerBytes), now));
        return answerTooLong();
    }

    private static End answerTooLong() {
        return new End(ErrorCodes.ANSWER_TOO_LONG, null, true, ANSWER_LIMIT);
    }

    /** An agent's tool call as a status line, until the answer starts (the assembler then replaces it). */
    private void onThought(DifyEvent.Thought thought, long now, List<ChunkAssembler.Piece> pieces) {
        String tool = thought.tool() == null ? "" : thought.tool().strip();
        if (!tool.isEmpty()) {
            pieces.addAll(assembler.status("> 🔧 " + String.join(", ", tool.split("\\s*;\\s*")) + "…", now));
        }
    }

    private @Nullable End onFile(DifyEvent.File file, long now, List<ChunkAssembler.Piece> pieces) {
        boolean image = "image".equals(file.type());
        String link = (image ? "![image](" : "[" + file.type() + "](") + file.url() + ")";
        End end = append(assembler.hasText() ? "\n\n" + link : link, now, pieces);
        // a link cut by the answer bound ends the reply without its image
        if (image && end == null) {
            images.add(file.url());
        }
        afterFile = true;
        return end;
    }

    private void remember(DifyEvent.Ids ids) {
        if (ids.taskId() != null) {
            taskId = ids.taskId();
        }
        if (ids.conversationId() != null && !ids.conversationId().isEmpty()) {
            conversationId = ids.conversationId();
        }
        if (ids.messageId() != null) {
            messageId = ids.messageId();
        }
    }
}
