package io.wecomrelay.cli.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The replay's threads: independent pieces of work (a partition each) run on a fixed number of threads, their results
 * handed back in the order the pieces were given, so what the replay reports does not depend on which thread was
 * faster. The first piece that fails fails the whole; the rest are cancelled.
 */
final class Workers implements AutoCloseable {

    private final ExecutorService pool;

    Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        var counter = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, work -> {
            var thread = new Thread(work, "relay-replay-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs every piece; their results in the order given. */
    <T> List<T> all(List<Callable<T>> pieces) {
        var futures = new ArrayList<Future<T>>();
        pieces.forEach(piece -> futures.add(pool.submit(piece)));
        var results = new ArrayList<T>(pieces.size());
        try {
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } finally {
            futures.forEach(future -> future.cancel(true));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
