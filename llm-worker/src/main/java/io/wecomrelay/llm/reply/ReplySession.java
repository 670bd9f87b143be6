package io.wecomrelay.llm.reply;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyEvent;
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
import reactor.util.context.Context;
import reactor.util.context.ContextView;

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
 * ({@code > 🔧 dalle3…}) until the first answer text (or file, or note) replaces it. A reasoning model's thinking
 * is shown while it streams and dropped or kept at the end by the {@link DifyEventInterpreter.Rules}.
 * A 404 "Conversation Not Exists" (or {@code conversation_completed}) for a continued conversation is
 * retried once as a new conversation, transparently.
 * <p>
 * What each event means is the {@link DifyEventInterpreter}'s (pure); the session owns what happens in time:
 * the Dify subscription (and its one resubscription), the idle, deadline and flush timers, stopping the task,
 * and emitting the chunks ({@link ReplyTimers}: the idle and deadline watches are set on the timer wheel and run on
 * the scheduler). Events arrive on Netty threads and timers on the scheduler's; one lock serializes them, and chunks
 * are emitted under it so their order is the sequence order.
 */
final class ReplySession implements Reply {

    private static final Logger log = LoggerFactory.getLogger(ReplySession.class);

    private final Function<ChatRequest, Flux<DifyEvent>> dify;
    private final Function<String, Mono<Void>> stop;
    private final long deadlineAtMillis;
    private final ChunkFactory chunks;
    private final ReplyTools tools;
    private final DifyEventInterpreter interpreter;
    private final Sinks.Many<ReplyChunk> out = Sinks.many().unicast().onBackpressureBuffer();

    private ChatRequest request;
    private boolean finished;
    private boolean retriedFresh;
    private boolean conversationLost;
    private long startedAt;
    private @Nullable Disposable upstream;
    private long subscriptions;
    private @Nullable Disposable idleTimer;
    /** When the last event came (or the reply started): the idle timer measures from here. */
    private long lastActivityAt;
    private @Nullable Disposable deadlineTimer;
    private @Nullable Disposable flushTimer;
    private Context subscriberContext = Context.empty();

    ReplySession(Function<ChatRequest, Flux<DifyEvent>> dify, Function<String, Mono<Void>> stop, ChatRequest request,
                 long deadlineAtMillis, ChunkFactory chunks, ReplyTools tools) {
        this(dify, stop, request, deadlineAtMillis, chunks, tools, DifyEventInterpreter.Rules.defaults());
    }

    ReplySession(Function<ChatRequest, Flux<DifyEvent>> dify, Function<String, Mono<Void>> stop, ChatRequest request,
                 long deadlineAtMillis, ChunkFactory chunks, ReplyTools tools, DifyEventInterpreter.Rules rules) {
        this.dify = dify;
        this.stop = stop;
        this.request = request;
        this.deadlineAtMillis = deadlineAtMillis;
        this.chunks = chunks;
        this.tools = tools;
        this.interpreter = new DifyEventInterpreter(tools.coalesceInterval(), tools.coalesceMaxChars(),
                tools.maxAnswerBytes(), tools.showThoughts(), tools.texts(), rules);
    }

    @Override
    public Flux<ReplyChunk> chunks() {
        return Flux.deferContextual(context -> {
            start(context);
            return out.asFlux();
        }).doOnCancel(this::cancel);
    }

    @Override
    public synchronized ReplyOutcome outcome() {
        return new ReplyOutcome(interpreter.conversationId(), interpreter.messageId(), interpreter.taskId(),
                conversationLost, interpreter.errorCode(), interpreter.pieces());
    }

    private synchronized void start(ContextView context) {
        // the Dify calls are subscribed here, not by the reply's subscriber: they get its context (the trace) by hand
        subscriberContext = Context.of(context);
        startedAt = now();
        long remaining = deadlineAtMillis - startedAt;
        if (remaining <= 0) {
            // redelivered or queued past WeCom's window: nothing is asked, the stream is just finished
            finish(ErrorCodes.DEADLINE_EXCEEDED, null, false);
            return;
        }
        deadlineTimer = tools.timers().watch(this::onDeadline, remaining);
        armIdle();
        subscribe();
    }

    /** Called under the lock; the flux may signal synchronously, even resubscribe, before it returns. */
    private void subscribe() {
        long generation = ++subscriptions;
        Disposable subscription = dify.apply(request).contextWrite(subscriberContext)
                .subscribe(this::onEvent, this::onError, this::onComplete);
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
        long now = now();
        var step = interpreter.read(event, now);
        if (step.firstText()) {
            tools.metrics().firstText(chunks.botId(), Duration.ofMillis(now - startedAt));
        }
        emit(step.pieces());
        var end = step.end();
        if (end == null) {
            armFlush();
            return;
        }
        if (end.limit() != null) {
            // counted and logged without content: the bound says enough about what happened
            info("dify stream over its bound, finishing taskId={} limit={}", interpreter.taskId(), end.limit());
            tools.metrics().limitExceeded(chunks.botId(), end.limit());
        } else if (event instanceof DifyEvent.Failure failure) {
            info("dify error event taskId={} status={} code={}", interpreter.taskId(), failure.status(),
                    failure.code());
        }
        finish(end.errorCode(), end.usage(), end.stopTask());
    }

    private synchronized void onError(Throwable error) {
        if (finished) {
            return;
        }
        if (error instanceof DifyApiException api && api.conversationGone() && request.conversationId() != null
                && !retriedFresh) {
            info("dify conversation gone, starting a new one conversationId={} code={}",
                    request.conversationId(), api.code());
            retriedFresh = true;
            conversationLost = true;
            request = request.withoutConversation();
            subscribe();
            return;
        }
        String code = DifyEventInterpreter.failureCode(error);
        info("dify request failed taskId={} code={} cause={}", interpreter.taskId(), code,
                error.getClass().getSimpleName());
        finish(code, null, false);
    }

    private synchronized void onComplete() {
        if (!finished) {
            finish(interpreter.closedWithoutEnd(), null, false);
        }
    }

    private synchronized void onIdle() {
        if (finished) {
            return;
        }
        long idle = tools.idleTimeout().toMillis();
        long quiet = now() - lastActivityAt;
        if (quiet < idle) {
            // events came since the timer was set: wait for the rest of the idle time from the last one
            idleTimer = tools.timers().watch(this::onIdle, idle - quiet);
            return;
        }
        info("dify stream idle, finishing taskId={}", interpreter.taskId());
        finish(ErrorCodes.IDLE_TIMEOUT, null, true);
    }

    private synchronized void onDeadline() {
        if (!finished) {
            info("reply deadline reached, finishing taskId={}", interpreter.taskId());
            finish(ErrorCodes.DEADLINE_EXCEEDED, null, true);
        }
    }

    private synchronized void onFlush() {
        flushTimer = null;
        if (!finished) {
            emit(interpreter.flush(now()));
            armFlush();
        }
    }

    private synchronized void cancel() {
        if (!finished) {
            finished = true;
            info("reply abandoned taskId={}", interpreter.taskId());
            release(true);
        }
    }

    /** Sends the last chunk: the answer's end when {@code code} is null, else the code's sentence after what exists. */
    private void finish(@Nullable String code, @Nullable Usage usage, boolean stopTask) {
        var last = interpreter.finish(code, usage);
        finished = true;
        release(stopTask);
        emit(List.of(last));
        out.tryEmitComplete();
        tools.metrics().finished(chunks.botId(), interpreter.errorCode(), Duration.ofMillis(now() - startedAt));
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
        String taskId = interpreter.taskId();
        if (stopTask && taskId != null) {
            stop.apply(taskId).doFinally(signal -> dispose(subscription)).contextWrite(subscriberContext).subscribe();
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

    /**
     * Restarts the idle time. The watch is set once and, when it fires early, set again for the rest: cancelling and
     * setting it on every event (seven a message) was a heap removal and insertion in the scheduler's queue each, and
     * would still be a cancel and a new timeout on the wheel.
     */
    private void armIdle() {
        lastActivityAt = now();
        if (idleTimer == null) {
            idleTimer = tools.timers().watch(this::onIdle, tools.idleTimeout().toMillis());
        }
    }

    private void armFlush() {
        var due = interpreter.nextFlushAt();
        if (flushTimer == null && due.isPresent()) {
            long delay = Math.max(0, due.getAsLong() - now());
            flushTimer = tools.timers().flush(this::onFlush, delay);
        }
    }

    /** Events, timers and cancels come on Netty's and the scheduler's threads: the line gets the reply's trace by hand. */
    private void info(String format, Object... arguments) {
        try (var trace = chunks.trace()) {
            log.info(format, arguments);
        }
    }

    private long now() {
        return tools.timers().now();
    }
}
