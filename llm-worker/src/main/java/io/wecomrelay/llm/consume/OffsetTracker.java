package io.wecomrelay.llm.consume;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition are finished, and so how far each partition may be
 * committed: up to (not including) the lowest offset still in progress. Records finish out of
 * order (a slow conversation next to fast ones); the committed position never passes an
 * unfinished record. A position counts as committed only once Kafka confirmed it: while a commit
 * is under way it is not offered again, and when it fails it is offered again. Used only on the
 * consumer thread.
 */
final class OffsetTracker {

    private static final class PartitionState {
        final long epoch;
        final TreeSet<Long> inProgress = new TreeSet<>();
        long next = -1;
        long committed = -1;
        /** The position of the commit under way, or {@code committed} when none is. */
        long committing = -1;

        PartitionState(long epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long epochs;

    void assigned(Collection<TopicPartition> assigned) {
        for (TopicPartition partition : assigned) {
            partitions.computeIfAbsent(partition, p -> new PartitionState(++epochs));
        }
    }

    void removed(Collection<TopicPartition> removed) {
        removed.forEach(partitions::remove);
    }

    /** The epoch of the partition's current assignment, or -1 when it is not assigned. */
    long epoch(TopicPartition partition) {
        var state = partitions.get(partition);
        return state == null ? -1 : state.epoch;
    }

    /**
     * Records that a record is in progress; false when its partition is not assigned. The first record of an assignment
     * was fetched from the group's committed position (or the earliest one): committing it again would say nothing.
     */
    boolean started(TopicPartition partition, long offset) {
        var state = partitions.get(partition);
        if (state == null) {
            return false;
        }
        if (state.next < 0) {
            state.committed = offset;
            state.committing = offset;
        }
        state.inProgress.add(offset);
        state.next = Math.max(state.next, offset + 1);
        return true;
    }

    /** Records that a record is finished; ignored when it belongs to an earlier assignment. */
    void finished(TopicPartition partition, long epoch, long offset) {
        var state = partitions.get(partition);
        if (state != null && state.epoch == epoch) {
            state.inProgress.remove(offset);
        }
    }

    /**
     * The offsets to commit now: partitions whose committable position moved past what is committed and
     * what a commit under way will commit.
     */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        var result = new HashMap<TopicPartition, OffsetAndMetadata>();
        partitions.forEach((partition, state) -> {
            long position = state.inProgress.isEmpty() ? state.next : state.inProgress.first();
            if (position > Math.max(state.committed, state.committing)) {
                result.put(partition, new OffsetAndMetadata(position));
            }
        });
        return result;
    }

    /** A commit of {@code offsets} was sent; until it is confirmed or failed they are not offered again. */
    void committing(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            var state = partitions.get(partition);
            if (state != null) {
                state.committing = Math.max(state.committing, offset.offset());
            }
        });
    }

    /** Kafka confirmed the commit of {@code offsets}: they are not committed again. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            var state = partitions.get(partition);
            if (state != null) {
                state.committed = Math.max(state.committed, offset.offset());
            }
        });
    }

    /** The commit of {@code offsets} failed: the positions are offered again (unless a later commit already went through). */
    void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            var state = partitions.get(partition);
            if (state != null && state.committing == offset.offset()) {
                state.committing = state.committed;
            }
        });
    }

    /** Records in progress across all partitions. */
    int inProgress() {
        return partitions.values().stream().mapToInt(state -> state.inProgress.size()).sum();
    }
}
