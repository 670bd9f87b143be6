package io.wecomrelay.connector.ownership;

import java.util.Collection;

import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListener;

/**
 * The connector's consumer of {@code wecom.outbound}: its assignment is the ownership of bots, its records the
 * notices that a stream of an owned bot changed. A notice is only a hint (the state is in Redis), so a record that
 * cannot be read is skipped, never retried or dead-lettered.
 */
public final class OutboundListener implements MessageListener<String, RelayEvent>, ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(OutboundListener.class);

    private final BotOwnership ownership;
    private final String topic;

    public OutboundListener(BotOwnership ownership, String topic) {
        this.ownership = ownership;
        this.topic = topic;
    }

    @Override
    public void onMessage(ConsumerRecord<String, RelayEvent> record) {
        if (record.value() instanceof StreamChanged changed) {
            // the notice's trace: the stream's reply frames are a span of it
            ownership.changed(changed.botId(), changed.streamId(), TraceHeaders.traceparent(record.headers()),
                    changed.meta().traceId());
        } else {
            log.debug("ignored record {}-{}@{}", record.topic(), record.partition(), record.offset());
        }
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ownership.assigned(numbers(partitions), consumer.partitionsFor(topic).size());
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ownership.revoked(numbers(partitions));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ownership.revoked(numbers(partitions));
    }

    private java.util.List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(topic)).map(TopicPartition::partition).toList();
    }
}
