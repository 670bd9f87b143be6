package io.wecomrelay.llm.consume;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Runs works as non-blocking tasks: at most {@code maxInFlight} at once, and for each key one at a
 * time in submission order. Works of other keys never wait for a busy key (no head-of-line
 * blocking); keys take turns for free slots in the order they became ready. A task is a
 * {@link Mono} (a reply that holds a connection, not a thread). Thread-safe; tasks are started
 * outside the lock.
 */
final class KeyedScheduler {

    private static final Logger log = LoggerFactory.getLogger(KeyedScheduler.class);

    private record Running(Work work, Disposable.Swap subscription) {
    }

    private final int maxInFlight;
    private final Function<Work, Mono<Void>> task;
    private final Consumer<Work> onDone;
    private final Map<String, ArrayDeque<Work>> waiting = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private int size;
    private boolean closed;

    /**
     * @param task   runs one work; completes when it is fully handled
     * @param onDone told about each work whose task completed (not about failed or cancelled ones)
     */
    KeyedScheduler(int maxInFlight, Function<Work, Mono<Void>> task, Consumer<Work> onDone) {
        this.maxInFlight = maxInFlight;
        this.task = task;
        this.onDone = onDone;
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
        var abandoned = new ArrayList<Disposable>();
        List<Running> starts;
        synchronized (this) {
            for (var queue : waiting.values()) {
                int before = queue.size();
                queue.removeIf(which);
                size -= before - queue.size();
            }
            waiting.values().removeIf(ArrayDeque::isEmpty);
            for (var it = running.values().iterator(); it.hasNext(); ) {
                var run = it.next();
                if (which.test(run.work())) {
                    it.remove();
                    size--;
                    abandoned.add(run.subscription());
                    if (waiting.containsKey(run.work().key())) {
                        ready.add(run.work().key());
                    }
                }
            }
            ready.removeIf(key -> !waiting.containsKey(key) || running.containsKey(key));
            starts = drain();
        }
        abandoned.forEach(Disposable::dispose);
        starts.forEach(this::launch);
    }

    /** Drops every waiting work and accepts no new ones; running works go on. */
    synchronized void close() {
        closed = true;
        waiting.values().forEach(queue -> size -= queue.size());
        waiting.clear();
        ready.clear();
    }

    private List<Running> drain() {
        if (closed || ready.isEmpty() || running.size() >= maxInFlight) {
            return List.of();
        }
        var starts = new ArrayList<Running>();
        while (running.size() < maxInFlight && !ready.isEmpty()) {
            String key = ready.poll();
            var queue = waiting.get(key);
            var work = queue.poll();
            if (queue.isEmpty()) {
                waiting.remove(key);
            }
            var run = new Running(work, Disposables.swap());
            running.put(key, run);
            starts.add(run);
        }
        return starts;
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
            if (waiting.containsKey(key)) {
                ready.add(key);
            }
            starts = drain();
        }
        if (error == null) {
            onDone.accept(run.work());
        } else {
            // the task retries on its own; an error here is a bug: the offset stays uncommitted
            log.error("work failed, left uncommitted {} cause={}", run.work(), error.toString());
        }
        starts.forEach(this::launch);
    }
}
