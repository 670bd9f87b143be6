package io.wecomrelay.llm.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);

    @Test
    void commitsUpToTheLowestUnfinishedOffsetOnly() {
        var tracker = new OffsetTracker();
        tracker.assigned(List.of(P0));
        long epoch = tracker.epoch(P0);
        for (long offset = 10; offset < 14; offset++) {
            tracker.started(P0, offset);
        }

        assertThat(tracker.committable()).as("nothing finished: the position it was fetched from").isEmpty();

        tracker.finished(P0, epoch, 11);
        tracker.finished(P0, epoch, 12);
        assertThat(tracker.committable()).as("10 is not finished").isEmpty();

        tracker.finished(P0, epoch, 10);
        assertThat(tracker.committable().get(P0).offset()).isEqualTo(13);
        tracker.committed(tracker.committable());
        assertThat(tracker.committable()).isEmpty();

        tracker.finished(P0, epoch, 13);
        assertThat(tracker.committable().get(P0).offset()).isEqualTo(14);
    }

    @Test
    void aPositionCountsAsCommittedOnlyOnceTheCommitIsConfirmed() {
        var tracker = new OffsetTracker();
        tracker.assigned(List.of(P0));
        tracker.started(P0, 0);
        tracker.finished(P0, tracker.epoch(P0), 0);

        var first = tracker.committable();
        tracker.committing(first);
        assertThat(tracker.committable()).as("not offered again while under way").isEmpty();

        tracker.commitFailed(first);
        assertThat(tracker.committable()).as("offered again after it failed").isEqualTo(first);

        tracker.committing(first);
        tracker.committed(first);
        assertThat(tracker.committable()).isEmpty();
    }

    @Test
    void completionsOfAnEarlierAssignmentAreIgnored() {
        var tracker = new OffsetTracker();
        tracker.assigned(List.of(P0));
        long old = tracker.epoch(P0);
        tracker.removed(List.of(P0));
        tracker.assigned(List.of(P0));
        tracker.started(P0, 5);

        tracker.finished(P0, old, 5);

        assertThat(tracker.inProgress()).isEqualTo(1);
        assertThat(tracker.started(new TopicPartition("t", 9), 0)).isFalse();
    }
}
