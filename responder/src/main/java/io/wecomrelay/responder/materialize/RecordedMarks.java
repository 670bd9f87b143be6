package io.wecomrelay.responder.materialize;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.util.Timer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Marks published reply records ({@link StreamStateWriter#markAllRecorded}) in batches: the records whose publishing
 * Kafka acknowledged within one tick of a timer wheel are marked together, in one Redis call, on the wheel's next
 * tick.
 * <p>
 * Every answered message's record was marked on its own: a Redis round trip per message, handed from the producer's
 * I/O thread (where the acknowledgement arrives) to Lettuce's, a wake-up of each (BENCHMARKS.md section 10 round 13).
 * A mark that comes up to a tick later changes nothing a user sees: until it is written, a redelivered last chunk
 * publishes the same record again (the same bytes), and the sweep takes only records unmarked for minutes
 * ({@code reply-sweep-after}). A batch holds at most {@value #MAX_BATCH} records; one more is written at once.
 */
public final class RecordedMarks {

    /** The most records one Redis call marks (its keys). */
    public static final int MAX_BATCH = 256;

    private final StreamStateWriter store;
    private final @Nullable Timer wheel;
    private final Object lock = new Object();
    private List<Pending> pending = new ArrayList<>();
    private boolean due;

    private RecordedMarks(StreamStateWriter store, @Nullable Timer wheel) {
        this.store = store;
        this.wheel = wheel;
    }

    /** Marks each record when asked, on its own. */
    public static RecordedMarks each(StreamStateWriter store) {
        return new RecordedMarks(store, null);
    }

    /** @param wheel where batches wait: Lettuce's command timer ({@code ClientResources.timer()}), which ticks anyway */
    public static RecordedMarks batchedOn(Timer wheel, StreamStateWriter store) {
        return new RecordedMarks(store, wheel);
    }

    /** Completes once Redis marked the record; errors when the batch it went in failed. */
    public Mono<Void> mark(String streamId) {
        if (wheel == null) {
            return store.markRecorded(streamId);
        }
        return Mono.create(sink -> add(new Pending(streamId, sink)));
    }

    private void add(Pending mark) {
        List<Pending> full = null;
        boolean schedule = false;
        synchronized (lock) {
            pending.add(mark);
            if (pending.size() >= MAX_BATCH) {
                full = take();
            } else if (!due) {
                due = true;
                schedule = true;
            }
        }
        if (full != null) {
            write(full);
        } else if (schedule) {
            schedule();
        }
    }

    private void schedule() {
        try {
            // a delay below a tick: the wheel's next tick
            wheel.newTimeout(fired -> writeDue(), 1, TimeUnit.MILLISECONDS);
        } catch (IllegalStateException stopped) {
            // the wheel stopped (the application is closing): no tick will come
            writeDue();
        }
    }

    private void writeDue() {
        List<Pending> batch;
        synchronized (lock) {
            batch = take();
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    /** Called under the lock. */
    private List<Pending> take() {
        List<Pending> batch = pending;
        pending = new ArrayList<>();
        due = false;
        return batch;
    }

    private void write(List<Pending> batch) {
        List<String> streamIds = batch.stream().map(Pending::streamId).toList();
        Mono<Void> written;
        try {
            written = store.markAllRecorded(streamIds);
        } catch (RuntimeException e) {
            written = Mono.error(e);
        }
        written.subscribe(nothing -> { },
                error -> batch.forEach(mark -> mark.sink().error(error)),
                () -> batch.forEach(mark -> mark.sink().success()));
    }

    /** A class, not a record: a caller's sink is no data to print (RecordRedactionTest audits every record). */
    private static final class Pending {

        private final String streamId;
        private final MonoSink<Void> sink;

        Pending(String streamId, MonoSink<Void> sink) {
            this.streamId = streamId;
            this.sink = sink;
        }

        String streamId() {
            return streamId;
        }

        MonoSink<Void> sink() {
            return sink;
        }
    }
}
