package io.wecomrelay.responder.outage;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.support.outage.TransientFailures;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The listener containers' error handler. A failure of the infrastructure ({@link TransientFailures}: Redis or
 * Kafka unreachable, slow, restarting) says nothing about the records: they are sought back and tried again after
 * a pause that doubles from {@code firstPause} up to {@code maxPause}, for as long as the outage lasts, and never
 * count towards the dead-letter topic ({@link ConsumerOutages} reports the wait). Every other failure (an
 * unreadable record, another event type, data a script refuses) goes to {@code records}: a bounded number of
 * tries, then the dead-letter topic.
 * <p>
 * The pause runs on the consumer thread, as spring-kafka's own back-off does; it is stopped early when the
 * container stops, and is far below {@code max.poll.interval.ms}. After seeking, the handler throws (logged at
 * DEBUG by the container): returning would let the container commit the failed records' offsets.
 */
public final class OutageAwareErrorHandler implements CommonErrorHandler {

    private final CommonErrorHandler records;
    private final ConsumerOutages outages;
    private final Duration firstPause;
    private final Duration maxPause;

    public OutageAwareErrorHandler(CommonErrorHandler records, ConsumerOutages outages, Duration firstPause,
                                   Duration maxPause) {
        this.records = records;
        this.outages = outages;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
    }

    @Override
    public void handleBatch(Exception thrownException, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
                            MessageListenerContainer container, Runnable invokeListener) {
        if (!TransientFailures.isTransient(thrownException)) {
            records.handleBatch(thrownException, data, consumer, container, invokeListener);
            return;
        }
        Map<TopicPartition, Long> firsts = new LinkedHashMap<>();
        data.forEach(record -> firsts.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset()));
        waitOut(thrownException, firsts, consumer, container);
    }

    @Override
    public <K, V> ConsumerRecords<K, V> handleBatchAndReturnRemaining(Exception thrownException, ConsumerRecords<?, ?> data,
                                                                    Consumer<?, ?> consumer, MessageListenerContainer container,
                                                                    Runnable invokeListener) {
        if (!TransientFailures.isTransient(thrownException)) {
            return records.handleBatchAndReturnRemaining(thrownException, data, consumer, container, invokeListener);
        }
        handleBatch(thrownException, data, consumer, container, invokeListener);
        return ConsumerRecords.empty();
    }

    @Override
    public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> remaining, Consumer<?, ?> consumer,
                                MessageListenerContainer container) {
        if (!TransientFailures.isTransient(thrownException)) {
            records.handleRemaining(thrownException, remaining, consumer, container);
            return;
        }
        Map<TopicPartition, Long> firsts = new LinkedHashMap<>();
        remaining.forEach(record -> firsts.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset()));
        waitOut(thrownException, firsts, consumer, container);
    }

    @Override
    public boolean handleOne(Exception thrownException, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
                             MessageListenerContainer container) {
        if (!TransientFailures.isTransient(thrownException)) {
            return records.handleOne(thrownException, record, consumer, container);
        }
        pause(thrownException, container);
        return false; // not handled: the container keeps the record for the next try
    }

    @Override
    public void handleOtherException(Exception thrownException, Consumer<?, ?> consumer, MessageListenerContainer container,
                                     boolean batchListener) {
        records.handleOtherException(thrownException, consumer, container, batchListener);
    }

    /** Pauses, then seeks each partition back to its first unfinished record and throws, so nothing is committed. */
    private void waitOut(Exception thrownException, Map<TopicPartition, Long> firsts, Consumer<?, ?> consumer,
                         MessageListenerContainer container) {
        pause(thrownException, container);
        firsts.forEach(consumer::seek);
        throw new KafkaException("Redis or Kafka unavailable; records sought back", KafkaException.Level.DEBUG,
                thrownException);
    }

    private void pause(Exception thrownException, MessageListenerContainer container) {
        long failures = outages.failed(thrownException, String.join(",", topics(container)));
        long pause = Math.min(maxPause.toMillis(), firstPause.toMillis() << Math.min(failures - 1, 20));
        try {
            ListenerUtils.stoppableSleep(container, pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Collection<String> topics(MessageListenerContainer container) {
        String[] topics = container.getContainerProperties().getTopics();
        return topics == null ? List.of("?") : List.of(topics);
    }

    @Override
    public boolean seeksAfterHandling() {
        return records.seeksAfterHandling();
    }

    @Override
    public boolean deliveryAttemptHeader() {
        return records.deliveryAttemptHeader();
    }

    @Override
    public LogAccessor logger() {
        return records.logger();
    }

    @Override
    public int deliveryAttempt(TopicPartitionOffset topicPartitionOffset) {
        return records.deliveryAttempt(topicPartitionOffset);
    }

    @Override
    public void clearThreadState() {
        records.clearThreadState();
    }

    @Override
    public boolean isAckAfterHandle() {
        return records.isAckAfterHandle();
    }

    @Override
    public void setAckAfterHandle(boolean ack) {
        records.setAckAfterHandle(ack);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
                                     Runnable publishPause) {
        records.onPartitionsAssigned(consumer, partitions, publishPause);
    }
}
