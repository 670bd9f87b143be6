package io.wecomrelay.llm.media;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The one byte budget for media in memory, shared by every reply of a worker. A file in transfer
 * holds its download size (its {@code Content-Length}, or the largest allowed download when there
 * is none) from the moment its response headers arrive until its transfer ends, however it ends:
 * success, failure or cancellation. That is an upper bound of what it can occupy: the download is
 * streamed to Dify, but a slow Dify lets the pieces queue up to the whole file.
 * <p>
 * Requests are served in arrival order (a large file is not overtaken forever by small ones); one
 * that gets no room within its wait fails with {@link MediaFailure.Reason#BUDGET}. Non-blocking and
 * thread-safe.
 */
public final class MediaBudget {

    private final long capacity;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long available;

    /** @param capacity bytes, at least the largest single reservation (the largest allowed download) */
    public MediaBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the media memory budget must be positive");
        }
        this.capacity = capacity;
        this.available = capacity;
    }

    /**
     * A budget of {@code capacity} bytes that must hold the largest download of one file: {@code maxFileSize}
     * plus the cipher's {@link MediaFetcher#PADDING}; a smaller one could never pass such a file on.
     */
    public static MediaBudget holdingOneFile(long capacity, long maxFileSize) {
        long largestDownload = maxFileSize + MediaFetcher.PADDING;
        if (capacity < largestDownload) {
            throw new IllegalStateException("relay.worker.media.memory-budget must hold one file: at least max-size + "
                    + MediaFetcher.PADDING + " bytes (" + largestDownload + ")");
        }
        return new MediaBudget(capacity);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes not reserved right now. */
    public synchronized long available() {
        return available;
    }

    /**
     * Runs {@code work} while {@code bytes} are reserved (at most the whole budget), and returns them
     * when it completes, fails or is cancelled.
     */
    public <T> Mono<T> holding(long bytes, Duration maxWait, Mono<T> work) {
        return Mono.usingWhen(reserve(Math.min(bytes, capacity), maxWait), grant -> work,
                Grant::release, (grant, error) -> grant.release(), Grant::release);
    }

    private Mono<Grant> reserve(long bytes, Duration maxWait) {
        return Mono.<Grant>create(sink -> {
                    var waiter = new Waiter(bytes, sink);
                    sink.onCancel(() -> cancel(waiter));
                    List<Waiter> ready;
                    synchronized (this) {
                        waiters.add(waiter);
                        ready = grantable();
                    }
                    deliver(ready);
                })
                // a grant emitted just as the subscriber cancelled is dropped by Reactor: give it back
                .doOnDiscard(Grant.class, grant -> grant.release().subscribe())
                .timeout(maxWait, Mono.error(() -> MediaFailure.unavailable(MediaFailure.Reason.BUDGET,
                        "no media memory for " + bytes + " bytes within " + maxWait)));
    }

    /** Takes waiters from the head while they fit; their bytes are taken here, under the lock. */
    private List<Waiter> grantable() {
        List<Waiter> ready = new ArrayList<>();
        while (!waiters.isEmpty() && waiters.peek().bytes <= available) {
            var waiter = waiters.poll();
            available -= waiter.bytes;
            waiter.granted = true;
            ready.add(waiter);
        }
        return ready;
    }

    private void deliver(List<Waiter> ready) {
        for (Waiter waiter : ready) {
            waiter.sink.success(new Grant(waiter.bytes));
        }
    }

    private void cancel(Waiter waiter) {
        List<Waiter> ready;
        synchronized (this) {
            if (waiter.granted) {
                // delivered (the grant is owned downstream) or dropped (the discard hook returns it)
                return;
            }
            waiters.remove(waiter);
            ready = grantable();
        }
        deliver(ready);
    }

    private void giveBack(long bytes) {
        List<Waiter> ready;
        synchronized (this) {
            available += bytes;
            ready = grantable();
        }
        deliver(ready);
    }

    private static final class Waiter {
        final long bytes;
        final MonoSink<Grant> sink;
        /** Guarded by the budget's lock. */
        boolean granted;

        Waiter(long bytes, MonoSink<Grant> sink) {
            this.bytes = bytes;
            this.sink = sink;
        }
    }

    /** Reserved bytes; returned once, however often {@link #release} is called. */
    private final class Grant {
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        Grant(long bytes) {
            this.bytes = bytes;
        }

        Mono<Void> release() {
            return Mono.fromRunnable(() -> {
                if (released.compareAndSet(false, true)) {
                    giveBack(bytes);
                }
            });
        }
    }

    @Override
    public String toString() {
        return "MediaBudget[capacity=" + capacity + ", available=" + available() + "]";
    }
}
