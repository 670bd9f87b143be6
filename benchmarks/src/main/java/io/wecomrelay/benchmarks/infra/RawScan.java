package io.wecomrelay.benchmarks.infra;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The floor of a command that reads topics: a plain group-less {@code read_committed} consumer reading the same
 * partitions from the same start (the first offset stamped at or after {@code fromMs}) to the first record stamped
 * at or after {@code toMs} (or their end), decoding nothing. What the broker, the network and the consumer cost; everything a command takes beyond it is its own.
 */
public final class RawScan {

    /** What was read (in all, and per topic) and how long it took. */
    public record Result(long records, Map<String, Long> perTopic, double seconds) {
    }

    private RawScan() {
    }

    public static Result read(String kafka, List<TopicPartition> partitions, long fromMs, long toMs) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long started = System.nanoTime();
        long records = 0;
        var perTopic = new java.util.TreeMap<String, Long>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, OffsetAndTimestamp> starts = offsetsAt(consumer, partitions, fromMs);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            var open = new HashMap<TopicPartition, Long>();
            starts.forEach((partition, start) -> {
                if (start != null && start.offset() < ends.get(partition)) {
                    open.put(partition, ends.get(partition));
                }
            });
            consumer.assign(open.keySet());
            open.keySet().forEach(partition -> consumer.seek(partition, starts.get(partition).offset()));
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    var partition = new TopicPartition(record.topic(), record.partition());
                    Long end = open.get(partition);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    if (record.timestamp() >= toMs) {
                        open.put(partition, record.offset());
                        continue;
                    }
                    records++;
                    perTopic.merge(record.topic(), 1L, Long::sum);
                }
                List<TopicPartition> done = open.keySet().stream()
                        .filter(tp -> consumer.position(tp) >= open.get(tp)).toList();
                done.forEach(open::remove);
                consumer.pause(done);
            }
        }
        return new Result(records, perTopic, (System.nanoTime() - started) / 1e9);
    }

    private static Map<TopicPartition, OffsetAndTimestamp> offsetsAt(KafkaConsumer<byte[], byte[]> consumer,
                                                                     List<TopicPartition> partitions, long timestampMs) {
        var query = new HashMap<TopicPartition, Long>();
        partitions.forEach(partition -> query.put(partition, timestampMs));
        return consumer.offsetsForTimes(query);
    }
}
