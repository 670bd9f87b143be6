package io.wecomrelay.schemas.testing;

import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** Runs one check on several threads at once: for state kept per thread, which must never mix between them. */
public final class Concurrently {

    private Concurrently() {
    }

    /** True when the check made by {@code check.apply(thread)} returned true on every one of {@code threads} threads. */
    public static boolean allHold(int threads, IntFunction<Callable<Boolean>> check) throws Exception {
        var tasks = new ArrayList<Callable<Boolean>>();
        for (int t = 0; t < threads; t++) {
            tasks.add(check.apply(t));
        }
        var pool = Executors.newFixedThreadPool(threads);
        try {
            for (var result : pool.invokeAll(tasks)) {
                if (!result.get()) {
                    return false;
                }
            }
            return true;
        } finally {
            pool.shutdownNow();
        }
    }
}
