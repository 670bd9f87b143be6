package io.wecomrelay.llm.reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.StreamLimitException;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One attempt at one reply: Dify events in, numbered chunks out, and always exactly one
 * {@code last} chunk unless the subscriber cancels. Ends are:
 * <ul>
 * <li>{@code message_end} → last chunk with usage;</li>
 * <li>{@code error} event, HTTP error (after the client's retries), I/O error → last chunk with a
 *     {@link ChunkError} whose sentence is also appended to the text;</li>
 * <li>the stream closing without a terminal event → {@link ErrorCodes#NO_TERMINAL};</li>
 * <li>no bytes for the idle timeout, or the deadline → what exists plus a note, then Dify's stop
 *     endpoint is called for the task;</li>
 * <li>a bound passed: a Dify line or event too large ({@link DifyEvent.Oversized}), or an answer
 *     over {@code maxAnswerBytes} (cut at the bound, on a whole character) → what exists plus a
 *     note, the task is stopped and then the connection closed, and the bound is counted per bot.</li>
 * </ul>
 * With {@code showThoughts}, an agent's {@code agent_thought} tool calls show as a status line
 * ({@code > 🔧 dalle3…}) until the first answer text (or file, or note) replaces it.
 * A 404 "Conversation Not Exists" (or {@code conversation_completed}) for a continued conversation is
 * retried once as a new conversation, transparently. Events arrive on Netty threads and timers on the
 * scheduler's; one lock serializes them, and chunks are emitted under it so their order is the
 * sequence order.
 */
final class ReplySession implements Reply {

    private static final Logger log = LoggerFactory.getLogger(ReplySession.class);

    private final Function<ChatRequest, Flux<DifyEvent>> dify;
    private final Function<String, Mono<Void>> stop;
    private final long deadlineAtMillis;
    private final ChunkFactory chunks;
    private final ReplyTools tools;
    private final ChunkAssembler assembler;
    private final Sinks.Many<ReplyChunk> out = Sinks.many().unicast().onBackpressureBuffer();
    private final List<String> images = new ArrayList<>();

    private ChatRequest request;
    private boolean finished;
    private boolean retriedFresh;
    private boolean conversationLost;
    private boolean sawAgentMessage;
    private boolean afterFile;
    private boolean workflowFailed;
    private long startedAt;
    private long firstTextAt = -1;
    private @Nullable String taskId;
    private @Nullable String conversationId;
    private @Nullable String messageId;
    private @Nullable String errorCode;
    private @Nullable Disposable upstream;
    private long subscriptions;
    private @Nullable Disposable idleTimer;
    private @Nullable Disposable deadlineTimer;
    private @Nullable Disposable flushTimer;

    ReplySession(Function<ChatRequest, Flux<DifyEvent>> dify, Function<String, Mono<Void>> stop, ChatRequest request,
                 long deadlineAtMillis, ChunkFactory chunks, ReplyTools tools) {
        this.dify = dify;
        this.stop = stop;
        this.request = request;
        this.deadlineAtMillis = deadlineAtMillis;
        this.chunks = chunks;
        this.tools = tools;
        this.assembler = new ChunkAssembler(tools.coalesceInterval(), tools.coalesceMaxChars());
    }

    @Override
    public Flux<ReplyChunk> chunks() {
        return Flux.defer(() -> {
            start();
            return out.asFlux();
        }).doOnCancel(this::cancel);
    }

    @Override
    public synchronized ReplyOutcome outcome() {
        return new ReplyOutcome(conversationId, messageId, taskId, conversationLost, errorCode, assembler.nextSeq());
    }

    private synchronized void start() {
        startedAt = now();
        long remaining = deadlineAtMillis - startedAt;
        if (remaining <= 0) {
            // redelivered or queued past WeCom's window: nothing is asked, the stream is just finished
            finishWithError(ErrorCodes.DEADLINE_EXCEEDED, false);
            return;
        }
        deadlineTimer = tools.scheduler().schedule(this::onDeadline, remaining, TimeUnit.MILLISECONDS);
        armIdle();
        subscribe();
    }

    /** Called under the lock; the flux may signal synchronously, even resubscribe, before it returns. */
    private void subscribe() {
        long generation = ++subscriptions;
        Disposable subscription = dify.apply(request).subscribe(this::onEvent, this::onError, this::onComplete);
        if (generation != subscriptions) {
            return;
        }
        if (finished) {
            subscription.dispose();
        } else {
            upstream = subscription;
        }
    }

    private synchronized void onEvent(DifyEvent event) {
        if (finished) {
            return;
        }
        armIdle();
        remember(event.ids());
        long now = now();
        if (event instanceof DifyEvent.Text text) {
            onText(text, now);
        } else if (event instanceof DifyEvent.Replace replace) {
            replace(replace.answer(), now);
        } else if (event instanceof DifyEvent.File file) {
            onFile(file, now);
        } else if (event instanceof DifyEvent.Thought thought && tools.showThoughts()) {
            onThought(thought, now);
        } else if (event instanceof DifyEvent.End end) {
            finishWithSuccess(end.usage());
            return;
        } else if (event instanceof DifyEvent.Oversized oversized) {
            overLimit(oversized.limit().tag(), oversized.limit() == StreamLimitException.Limit.LINE
                    ? ErrorCodes.DIFY_LINE_TOO_LONG : ErrorCodes.DIFY_EVENT_TOO_LARGE);
            return;
        } else if (event instanceof DifyEvent.Failure failure) {
            log.info("dify error event taskId={} status={} code={}", taskId, failure.status(), failure.code());
            finishWithError(failure.code(), false);
            return;
        } else if (event instanceof DifyEvent.WorkflowFailed) {
            workflowFailed = true;
        }
        if (!finished) {
            armFlush();
        }
    }

    private void onText(DifyEvent.Text text, long now) {
        if (text.answer().isEmpty()) {
            return;
        }
        if (firstTextAt < 0) {
            firstTextAt = now;
            tools.metrics().firstText(chunks.botId(), Duration.ofMillis(now - startedAt));
        }
        if (text.source() == DifyEvent.Source.AGENT_MESSAGE) {
            sawAgentMessage = true;
        } else if (sawAgentMessage) {
            // New Agent apps close with one "message" that holds the whole answer
            replace(text.answer(), now);
            return;
        }
        String answer = afterFile ? "\n\n" + text.answer() : text.answer();
        afterFile = false;
        append(answer, now);
    }

    /** Adds answer text up to the answer bound; past it, what fits goes out and the reply finishes. */
    private void append(String text, long now) {
        long room = tools.maxAnswerBytes() - assembler.answerBytes();
        if (Utf8.length(text) <= room) {
            emit(assembler.append(text, now));
            return;
        }
        emit(assembler.append(Utf8.prefix(text, room), now));
        overLimit("answer", ErrorCodes.ANSWER_TOO_LONG);
    }

    private void replace(String text, long now) {
        if (Utf8.length(text) <= tools.maxAnswerBytes()) {
            emit(assembler.replace(text, now));
            return;
        }
        emit(assembler.replace(Utf8.prefix(text, tools.maxAnswerBytes()), now));
        overLimit("answer", ErrorCodes.ANSWER_TOO_LONG);
    }

    /** Counted and logged without content: the bound says enough about what happened. */
    private void overLimit(String limit, String code) {
        log.info("dify stream over its bound, finishing taskId={} limit={}", taskId, limit);
        tools.metrics().limitExceeded(chunks.botId(), limit);
        finishWithError(code, true);
    }

    /** An agent's tool call as a status line, until the answer starts (the assembler then replaces it). */
    private void onThought(DifyEvent.Thought thought, long now) {
        String tool = thought.tool() == null ? "" : thought.tool().strip();
        if (!tool.isEmpty()) {
            emit(assembler.status("> 🔧 " + String.join(", ", tool.split("\\s*;\\s*")) + "…", now));
        }
    }

    private void onFile(DifyEvent.File file, long now) {
        boolean image = "image".equals(file.type());
        String link = (image ? "![image](" : "[" + file.type() + "](") + file.url() + ")";
        append(assembler.hasText() ? "\n\n" + link : link, now);
        // a link cut by the answer bound finished the reply without its image
        if (image && !finished) {
            images.add(file.url());
        }
        afterFile = true;
    }

    private synchronized void onError(Throwable error) {
        if (finished) {
            return;
        }
        if (error instanceof DifyApiException api && api.conversationGone() && request.conversationId() != null
                && !retriedFresh) {
            log.info("dify conversation gone, starting a new one conversationId={} code={}",
                    request.conversationId(), api.code());
            retriedFresh = true;
            conversationLost = true;
            request = request.withoutConversation();
            subscribe();
            return;
        }
        String code = error instanceof DifyApiException api ? api.code() : ErrorCodes.NETWORK_ERROR;
        log.info("dify request failed taskId={} code={} cause={}", taskId, code, error.getClass().getSimpleName());
        finishWithError(code, false);
    }

    private synchronized void onComplete() {
        if (!finished) {
            finishWithError(workflowFailed ? ErrorCodes.WORKFLOW_FAILED : ErrorCodes.NO_TERMINAL, false);
        }
    }

    private synchronized void onIdle() {
        if (!finished) {
            log.info("dify stream idle, finishing taskId={}", taskId);
            finishWithError(ErrorCodes.IDLE_TIMEOUT, true);
        }
    }

    private synchronized void onDeadline() {
        if (!finished) {
            log.info("reply deadline reached, finishing taskId={}", taskId);
            finishWithError(ErrorCodes.DEADLINE_EXCEEDED, true);
        }
    }

    private synchronized void onFlush() {
        flushTimer = null;
        if (!finished) {
            emit(assembler.flush(now()));
            armFlush();
        }
    }

    private synchronized void cancel() {
        if (!finished) {
            finished = true;
            log.info("reply abandoned taskId={}", taskId);
            release(true);
        }
    }

    private void finishWithSuccess(@Nullable Usage usage) {
        if (!assembler.hasText() && images.isEmpty()) {
            finishWithError(ErrorCodes.EMPTY_ANSWER, false);
            return;
        }
        finish(assembler.finish(null, null, usage, images), false);
    }

    private void finishWithError(String code, boolean stopTask) {
        errorCode = code;
        String sentence = tools.texts().sentence(code);
        finish(assembler.finish(sentence, new ChunkError(code, sentence), null, images), stopTask);
    }

    private void finish(ChunkAssembler.Piece last, boolean stopTask) {
        finished = true;
        release(stopTask);
        emit(List.of(last));
        out.tryEmitComplete();
        tools.metrics().finished(chunks.botId(), errorCode, Duration.ofMillis(now() - startedAt));
    }

    /**
     * Cancels the timers and the Dify subscription. When the task is to be stopped, the connection is
     * closed only after the stop call: Dify documents stopping before disconnecting, and a
     * disconnect alone does not reliably cancel generation.
     */
    private void release(boolean stopTask) {
        for (Disposable timer : new Disposable[] {idleTimer, deadlineTimer, flushTimer}) {
            if (timer != null) {
                timer.dispose();
            }
        }
        Disposable subscription = upstream;
        upstream = null;
        if (stopTask && taskId != null) {
            stop.apply(taskId).doFinally(signal -> dispose(subscription)).subscribe();
        } else {
            dispose(subscription);
        }
    }

    private static void dispose(@Nullable Disposable subscription) {
        if (subscription != null) {
            subscription.dispose();
        }
    }

    private void emit(List<ChunkAssembler.Piece> pieces) {
        for (var piece : pieces) {
            out.tryEmitNext(chunks.chunk(piece));
            tools.metrics().chunk(chunks.botId(), piece.text().length());
        }
    }

    private void armIdle() {
        if (idleTimer != null) {
            idleTimer.dispose();
        }
        idleTimer = tools.scheduler().schedule(this::onIdle, tools.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void armFlush() {
        var due = assembler.nextFlushAt();
        if (flushTimer == null && due.isPresent()) {
            long delay = Math.max(0, due.getAsLong() - now());
            flushTimer = tools.scheduler().schedule(this::onFlush, delay, TimeUnit.MILLISECONDS);
        }
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

    private long now() {
        return tools.scheduler().now(TimeUnit.MILLISECONDS);
    }
}
