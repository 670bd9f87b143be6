package io.wecomrelay.llm.consume;

import io.wecomrelay.schemas.event.MessageAccepted;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record on its way through the scheduler.
 *
 * @param partition where the record came from
 * @param offset    its offset
 * @param epoch     the assignment of {@code partition} it belongs to; completions of an older
 *                  assignment are ignored
 * @param key       the conversation key: works with the same key run one at a time, in offset order
 * @param message   the event
 * @param traceId   the trace id to copy onto the chunks
 * @param arrival   the record's trace context and timestamps, for the reply's span and hop latencies
 */
record Work(TopicPartition partition, long offset, long epoch, String key, MessageAccepted message, String traceId,
            Arrival arrival) {

    Work(TopicPartition partition, long offset, long epoch, String key, MessageAccepted message, String traceId) {
        this(partition, offset, epoch, key, message, traceId, new Arrival(null, 0, 0));
    }

    @Override
    public String toString() {
        return partition + "@" + offset + "[streamId=" + message.streamId() + "]";
    }
}
