package io.wecomrelay.sim.dify;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Thread-safe append-only log keeping the newest {@code capacity} entries, plus a total count. */
final class BoundedLog<T> {

    private final int capacity;
    private final ConcurrentLinkedDeque<T> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();

    BoundedLog(int capacity) {
        this.capacity = capacity;
    }

    void add(T entry) {
        entries.addLast(entry);
        total.incrementAndGet();
        // a benchmark can send millions of requests: keep memory flat by dropping the oldest
        if (size.incrementAndGet() > capacity && entries.pollFirst() != null) {
            size.decrementAndGet();
        }
    }

    List<T> snapshot() {
        return List.copyOf(entries);
    }

    List<T> matching(Predicate<? super T> filter) {
        return entries.stream().filter(filter).toList();
    }

    long total() {
        return total.get();
    }

    void clear() {
        entries.clear();
        size.set(0);
        total.set(0);
    }
}
