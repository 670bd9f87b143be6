package io.wecomrelay.llm.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.wecomrelay.support.stream.StreamFoldScripts;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Gathers the folds asked for within a window (opened by the first) and sends them as one call of
 * {@link StreamFoldScripts#FOLD_MANY}; each caller gets its own fold's reply, or fails with its own fold's error.
 * At 100 messages a second with about five previews each, every fold was its own command: a write and a wake-up of
 * the worker's Lettuce thread, and a read and a script call in redis-server. A batch is sent before its window ends
 * once it holds {@link FoldCalls.Batching#maxFolds()} folds or may pass {@link FoldCalls.Batching#maxBytes()}. A fold
 * cancelled (timed out) before its batch left is taken out of it. Thread-safe.
 */
final class FoldBatches implements FoldCalls {

    private static final String FOLD_ERROR = "ERROR";

    /** @param args fold-chunk.lua's arguments, the preview's text among them: never printed */
    private record Fold(String key, List<String> args, MonoSink<List<?>> sink, long bytes) {

        @Override
        public String toString() {
            return "Fold[key=" + key + ", bytes=" + bytes + "]";
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final FoldCalls.Batching batching;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    private List<Fold> batch = new ArrayList<>();
    private long batchBytes;
    /** Counts the batches taken: a window that ends after its batch left early (full) leaves the next one alone. */
    private long taken;
    private @Nullable Disposable window;

    FoldBatches(ReactiveStringRedisTemplate redis, FoldCalls.Batching batching, Scheduler scheduler) {
        if (batching.maxFolds() < 1 || batching.maxBytes() < 1) {
            throw new IllegalArgumentException("a batch takes at least one fold and one byte");
        }
        this.redis = redis;
        this.batching = batching;
        this.scheduler = scheduler;
    }

    @Override
    public Mono<List<?>> fold(String key, List<String> args) {
        return Mono.create(sink -> {
            var fold = new Fold(key, args, sink, bytes(key, args));
            List<List<Fold>> due = add(fold);
            sink.onCancel(() -> withdraw(fold));
            due.forEach(this::send);
        });
    }

    /**
     * Adds the fold; the batches to send now: the one before it when it would pass the bytes, and the one it is in
     * when that is full.
     */
    private List<List<Fold>> add(Fold fold) {
        synchronized (lock) {
            List<Fold> before = null;
            if (!batch.isEmpty() && batchBytes + fold.bytes() > batching.maxBytes()) {
                before = take();
            }
            batch.add(fold);
            batchBytes += fold.bytes();
            if (batch.size() >= batching.maxFolds() || batchBytes >= batching.maxBytes()) {
                return before == null ? List.of(take()) : List.of(before, take());
            }
            if (window == null) {
                window = openWindow();
            }
            return before == null ? List.of() : List.of(before);
        }
    }

    private @Nullable Disposable openWindow() {
        try {
            long batchNumber = taken;
            return scheduler.schedule(() -> windowEnded(batchNumber), batching.window().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the scheduler is shut down (the worker is stopping): the next fold sends what waits, or its timeout
            // fails it
            return null;
        }
    }

    private void windowEnded(long batchNumber) {
        List<Fold> due;
        synchronized (lock) {
            if (batchNumber != taken) {
                return;
            }
            window = null;
            due = take();
        }
        send(due);
    }

    /** The batch so far, replaced by an empty one; under the lock. */
    private List<Fold> take() {
        List<Fold> due = batch;
        batch = new ArrayList<>();
        batchBytes = 0;
        taken++;
        if (window != null) {
            window.dispose();
            window = null;
        }
        return due;
    }

    private void withdraw(Fold fold) {
        synchronized (lock) {
            if (batch.removeIf(waiting -> waiting == fold)) {
                batchBytes -= fold.bytes();
            }
        }
    }

    private void send(List<Fold> folds) {
        if (folds.isEmpty()) {
            return;
        }
        var keys = new ArrayList<String>(folds.size());
        var args = new ArrayList<String>();
        for (Fold fold : folds) {
            keys.add(fold.key());
            args.add("1");
            args.add(Integer.toString(fold.args().size()));
            args.addAll(fold.args());
        }
        redis.execute(StreamFoldScripts.FOLD_MANY, keys, args).next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("fold-many.lua returned nothing")))
                .subscribe(replies -> answer(folds, replies), e -> folds.forEach(fold -> fold.sink().error(e)));
    }

    private static void answer(List<Fold> folds, List<?> replies) {
        if (replies.size() != folds.size()) {
            var wrong = new IllegalStateException("fold-many.lua returned " + replies.size() + " replies for "
                    + folds.size() + " folds");
            folds.forEach(fold -> fold.sink().error(wrong));
            return;
        }
        for (int i = 0; i < folds.size(); i++) {
            var sink = folds.get(i).sink();
            if (replies.get(i) instanceof List<?> reply && !reply.isEmpty()) {
                if (FOLD_ERROR.equals(reply.get(0))) {
                    sink.error(new IllegalStateException("fold-chunk.lua failed: " + reply.get(reply.size() - 1)));
                } else {
                    sink.success(reply);
                }
            } else {
                sink.error(new IllegalStateException("fold-many.lua returned no reply for a fold"));
            }
        }
    }

    private static long bytes(String key, List<String> args) {
        long chars = key.length();
        for (String arg : args) {
            chars += arg.length();
        }
        return 3 * chars;
    }
}
