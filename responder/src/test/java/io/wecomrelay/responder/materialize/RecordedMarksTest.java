package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.ReplyRecorded;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RecordedMarksTest {

    private final MarkingStore store = new MarkingStore();
    private final ManualWheel wheel = new ManualWheel();
    private final RecordedMarks marks = RecordedMarks.batchedOn(wheel, store);

    @Test
    void marksAskedForBeforeATickAreWrittenTogetherOnIt() {
        var first = marks.mark("s-1").toFuture();
        var second = marks.mark("s-2").toFuture();

        assertThat(store.calls).isEmpty();
        assertThat(first).isNotDone();
        assertThat(wheel.tasks).hasSize(1);

        wheel.tick();

        assertThat(store.calls).containsExactly(List.of("s-1", "s-2"));
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();

        marks.mark("s-3").toFuture();
        wheel.tick();
        assertThat(store.calls).containsExactly(List.of("s-1", "s-2"), List.of("s-3"));
    }

    @Test
    void aFullBatchIsWrittenAtOnce() {
        var futures = IntStream.range(0, RecordedMarks.MAX_BATCH)
                .mapToObj(i -> marks.mark("s-" + i).toFuture()).toList();

        assertThat(store.calls).hasSize(1);
        assertThat(store.calls.get(0)).hasSize(RecordedMarks.MAX_BATCH).startsWith("s-0", "s-1");
        assertThat(futures).allMatch(future -> future.isDone() && !future.isCompletedExceptionally());

        wheel.tick();
        assertThat(store.calls).hasSize(1);
    }

    @Test
    void aFailedBatchFailsEveryMarkInIt() {
        store.failure = new IllegalStateException("redis down");
        var firstResult = marks.mark("s-1").toFuture();
        var secondResult = marks.mark("s-2").toFuture();

        wheel.tick();

        assertThat(firstResult).isCompletedExceptionally();
        assertThat(secondResult).isCompletedExceptionally();
    }

    @Test
    void aStoppedWheelWritesAtOnce() {
        wheel.stop();

        StepVerifier.create(marks.mark("s-1")).verifyComplete();

        assertThat(store.calls).containsExactly(List.of("s-1"));
    }

    @Test
    void eachMarksOnItsOwnWithoutAWheel() {
        var each = RecordedMarks.each(store);

        StepVerifier.create(each.mark("s-1")).verifyComplete();
        StepVerifier.create(each.mark("s-2")).verifyComplete();

        assertThat(store.calls).containsExactly(List.of("s-1"), List.of("s-2"));
    }

    /** Records each call; fails every call while {@code failure} is set. */
    private static final class MarkingStore implements StreamStateWriter {

        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        @Nullable RuntimeException failure;

        @Override
        public Mono<Void> markAllRecorded(Collection<String> streamIds) {
            calls.add(List.copyOf(streamIds));
            return failure == null ? Mono.empty() : Mono.error(failure);
        }

        @Override
        public FoldResult fold(ChunkFold fold) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<FoldOutcome> foldAll(List<ChunkFold> folds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FoldResult reject(MessageRejected rejection, String text, ReplyRecorded reply,
                                 @Nullable DeliveryTicket ticket) {
            throw new UnsupportedOperationException();
        }
    }

    /** A wheel that ticks when the test says so. */
    private static final class ManualWheel implements Timer {

        final List<TimerTask> tasks = new ArrayList<>();
        private boolean stopped;

        void tick() {
            var due = List.copyOf(tasks);
            tasks.clear();
            for (TimerTask task : due) {
                try {
                    task.run(null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
            if (stopped) {
                throw new IllegalStateException("cannot be started once stopped");
            }
            tasks.add(task);
            return null;
        }

        @Override
        public Set<Timeout> stop() {
            stopped = true;
            return Set.of();
        }
    }
}
