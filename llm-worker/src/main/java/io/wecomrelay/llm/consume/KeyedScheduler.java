package io.wecomrelay.llm.consume;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * Runs works as non-blocking tasks: at most {@code maxInFlight} at once, at most {@code maxPerBot} of
 * one bot at once, and for each key one at a time in submission order. Works of other keys never wait
 * for a busy key (no head-of-line blocking); keys take turns for free slots in the order they became
 * ready. A task is a {@link Mono} (a reply that holds a connection, not a thread). Thread-safe; tasks
 * are started outside the lock.
 * <p>
 * The per-bot share keeps one bot with a slow Dify app from holding every slot: a key whose next work
 * belongs to a bot at its share is deferred (it waits, in order, without a slot) while keys of other
 * bots go ahead; when one of the bot's works finishes, the bot's longest-deferred key is ready again.
 * Deferred works stay submitted, so their offsets stay uncommitted and they count in {@link #size()}.
 */
final class KeyedScheduler {

    private static final Logger log = LoggerFactory.getLogger(KeyedScheduler.class);

    /** A started work; {@code ended} completes when its task does, exceptionally when it failed or was abandoned. */
    private record Running(Work work, Disposable.Swap subscription, CompletableFuture<Void> ended) {
    }

    private final int maxInFlight;
    private final int maxPerBot;
    private final Function<Work, Mono<Void>> task;
    private final Consumer<Work> onDone;
    private final Consumer<String> onDeferred;
    private final Map<String, ArrayDeque<Work>> waiting = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, Integer> runningPerBot = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    /** Keys whose next work waits for its bot's share, by bot, longest-waiting first. */
    private final Map<String, ArrayDeque<String>> deferred = new HashMap<>();
    /** Works already reported to {@code onDeferred}: each is reported once, however often it waits. */
    private final Set<Work> reported = Collections.newSetFromMap(new IdentityHashMap<>());
    private int size;
    private boolean closed;

    /**
     * @param maxPerBot  works of one bot running at once
     * @param task       runs one work; completes when it is fully handled
     * @param onDone     told about each work whose task completed (not about failed or cancelled ones)
     * @param onDeferred told the bot of each work that had to wait for its bot's share (once per work)
     */
    KeyedScheduler(int maxInFlight, int maxPerBot, Function<Work, Mono<Void>> task, Consumer<Work> onDone,
                   Consumer<String> onDeferred) {
        this.maxInFlight = maxInFlight;
        this.maxPerBot = maxPerBot;
        this.task = task;
        this.onDone = onDone;
        this.onDeferred = onDeferred;
    }

    void submit(Work work) {
        List<Running> starts;
        synchronized (this) {
            if (closed) {
                return;
            }
            size++;
            var queue = waiting.computeIfAbsent(work.key(), key -> new ArrayDeque<>());
            queue.add(work);
            if (queue.size() == 1 && !running.containsKey(work.key())) {
                ready.add(work.key());
            }
            starts = drain();
        }
        starts.forEach(this::launch);
    }

    /** Works waiting or running. */
    synchronized int size() {
        return size;
    }

    synchronized int running() {
        return running.size();
    }

    /**
     * Drops waiting works and abandons running ones that match; their {@code onDone} is never called.
     * Used when partitions are revoked: another worker redoes those records.
     */
    void cancel(Predicate<Work> which) {
        var abandoned = new ArrayList<Running>();
        List<Running> starts;
        synchronized (this) {
            dropWaiting(which);
            for (var it = running.values().iterator(); it.hasNext(); ) {
                var run = it.next();
                if (which.test(run.work())) {
                    it.remove();
                    size--;
                    decrement(bot(run.work()));
                    abandoned.add(run);
                    if (waiting.containsKey(run.work().key())) {
                        ready.add(run.work().key());
                    }
                }
            }
            starts = reschedule();
        }
        for (var run : abandoned) {
            run.subscription().dispose();
            run.ended().completeExceptionally(new CancellationException("abandoned"));
        }
        starts.forEach(this::launch);
    }

    /**
     * Drops the waiting works that match, so that none of them starts, and returns how each running one that matches
     * ends: normally once its task completed (after {@code onDone}), exceptionally when it failed or was abandoned.
     * The running ones go on. Used to let a revoked partition's replies finish before it moves.
     */
    Map<Work, CompletableFuture<Void>> stopStarting(Predicate<Work> which) {
        var ends = new HashMap<Work, CompletableFuture<Void>>();
        List<Running> starts;
        synchronized (this) {
            dropWaiting(which);
            running.values().stream().filter(run -> which.test(run.work()))
                    .forEach(run -> ends.put(run.work(), run.ended()));
            starts = reschedule();
        }
        starts.forEach(this::launch);
        return ends;
    }

    private void dropWaiting(Predicate<Work> which) {
        for (var queue : waiting.values()) {
            int before = queue.size();
            queue.removeIf(which);
            size -= before - queue.size();
        }
        waiting.values().removeIf(ArrayDeque::isEmpty);
        reported.removeIf(which);
    }

    /** After works were dropped: deferred keys are ready again (drain defers them anew if not), gone keys are not. */
    private List<Running> reschedule() {
        deferred.values().forEach(ready::addAll);
        deferred.clear();
        ready.removeIf(key -> !waiting.containsKey(key) || running.containsKey(key));
        return drain();
    }

    /** Drops every waiting work and accepts no new ones; running works go on. */
    synchronized void close() {
        closed = true;
        waiting.values().forEach(queue -> size -= queue.size());
        waiting.clear();
        ready.clear();
        deferred.clear();
        reported.clear();
    }

    /** Starts ready keys while slots are free; keys of bots at their share are set aside. */
    private List<Running> drain() {
        if (closed || ready.isEmpty() || running.size() >= maxInFlight) {
            return List.of();
        }
        var starts = new ArrayList<Running>();
        while (running.size() < maxInFlight && !ready.isEmpty()) {
            String key = ready.poll();
            var queue = waiting.get(key);
            String bot = bot(queue.peek());
            if (runningPerBot.getOrDefault(bot, 0) >= maxPerBot) {
                deferred.computeIfAbsent(bot, b -> new ArrayDeque<>()).add(key);
                if (reported.add(queue.peek())) {
                    onDeferred.accept(bot);
                }
                continue;
            }
            var work = queue.poll();
            if (queue.isEmpty()) {
                waiting.remove(key);
            }
            reported.remove(work);
            runningPerBot.merge(bot, 1, Integer::sum);
            var run = new Running(work, Disposables.swap(), new CompletableFuture<>());
            running.put(key, run);
            starts.add(run);
        }
        return starts;
    }

    /** A slot of {@code bot} was freed: its longest-deferred key may take it. */
    private void freed(String bot) {
        decrement(bot);
        var keys = deferred.get(bot);
        if (keys != null) {
            ready.add(keys.poll());
            if (keys.isEmpty()) {
                deferred.remove(bot);
            }
        }
    }

    private void decrement(String bot) {
        if (runningPerBot.merge(bot, -1, Integer::sum) <= 0) {
            runningPerBot.remove(bot);
        }
    }

    private static String bot(Work work) {
        return work.message().botId();
    }

    private void launch(Running run) {
        Disposable subscription;
        try {
            subscription = task.apply(run.work()).subscribe(null,
                    error -> finished(run, error),
                    () -> finished(run, null));
        } catch (RuntimeException e) {
            finished(run, e);
            return;
        }
        run.subscription().update(subscription);
    }

    private void finished(Running run, @Nullable Throwable error) {
        List<Running> starts;
        synchronized (this) {
            String key = run.work().key();
            if (running.get(key) != run) {
                return;
            }
            running.remove(key);
            size--;
            freed(bot(run.work()));
            if (waiting.containsKey(key)) {
                ready.add(key);
            }
            starts = drain();
        }
        if (error == null) {
            onDone.accept(run.work());
            run.ended().complete(null);
        } else {
            if (error instanceof Handover.LeftToNextOwner) {
                log.debug("left to the partition's next owner {}", run.work());
            } else {
                // the task retries on its own; an error here is a bug: the offset stays uncommitted
                log.error("work failed, left uncommitted {} cause={}", run.work(), error.toString());
            }
            run.ended().completeExceptionally(error);
        }
        starts.forEach(this::launch);
    }
}
