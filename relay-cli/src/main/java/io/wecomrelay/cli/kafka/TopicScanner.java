package io.wecomrelay.cli.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the records of a time range of a topic without a consumer group (nothing is committed, no running service
 * notices); records are read {@code read_committed}, as the services read them (the processor writes in transactions),
 * in offset order per partition.
 * <p>
 * Which records a partition yields (the rule the README states): record times are not in offset order (writers'
 * clocks differ, a task that lags writes older times, a redriven record keeps its old time), so a partition is read
 * from the first offset stamped at or after the range's start ({@code offsetsForTimes}; exact: no earlier offset is
 * stamped in the range) until {@link #LATE_RUN} records in a row are stamped {@link #SKEW} or more after the range's
 * end (or the partition's end); of those, the records stamped inside the range are kept. A single record stamped far
 * ahead (a writer whose clock is ahead) ends nothing; a record stamped inside the range but written after such a run
 * (a dead letter redriven long after) is not read. The end is records read, not {@code offsetsForTimes}: that also
 * finds transaction markers, which the broker stamps with its own clock, so a processor that decided a range late (a
 * backlog) would end the scan at its first commit.
 */
public final class TopicScanner implements AutoCloseable {

    /** What to read. {@code partitions} null: all of them. {@code filter} sees records inside the range only. */
    public record Scan(String topic, TimeRange range, @Nullable Set<Integer> partitions,
                       Predicate<ConsumerRecord<String, byte[]>> filter) {

        public static Scan of(String topic, TimeRange range) {
            return new Scan(topic, range, null, record -> true);
        }

        public Scan onPartitions(@Nullable Set<Integer> only) {
            return new Scan(topic, range, only, filter);
        }

        public Scan where(Predicate<ConsumerRecord<String, byte[]>> test) {
            return new Scan(topic, range, partitions, test);
        }
    }

    private static final Duration POLL = Duration.ofMillis(200);

    /** How far past the range's end a record may be stamped and still not count towards the end of a partition's scan. */
    static final Duration SKEW = Duration.ofMinutes(5);

    /** How many records in a row stamped {@link #SKEW} past the range's end end a partition's scan. */
    static final int LATE_RUN = 1000;

    /** Wanted offsets at most this far apart are read through rather than sought. */
    private static final long NEAR = 5_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration timeout;
    private final Progress progress;

    public TopicScanner(KafkaOptions kafka, Progress progress) {
        this.consumer = new KafkaConsumer<>(settings(kafka), new StringDeserializer(), new ByteArrayDeserializer());
        this.timeout = kafka.requestTimeout();
        this.progress = progress;
    }

    static Map<String, Object> settings(KafkaOptions kafka) {
        var settings = new HashMap<>(kafka.common());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        return settings;
    }

    /** The topic's partition count, or 0 when it does not exist. */
    public int partitions(String topic) {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            return infos == null ? 0 : infos.size();
        } catch (KafkaException e) {
            throw new InfrastructureException("Kafka did not describe " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Feeds {@code sink} every record of the scan that passes its filter.
     *
     * @return how many records of the range were read (before the filter)
     */
    public long scan(Scan scan, Consumer<ConsumerRecord<String, byte[]>> sink) {
        try {
            return read(scan, sink);
        } catch (KafkaException e) {
            throw new InfrastructureException("reading " + scan.topic() + " failed: " + e.getMessage(), e);
        } finally {
            consumer.unsubscribe();
        }
    }

    private long read(Scan scan, Consumer<ConsumerRecord<String, byte[]>> sink) {
        Map<TopicPartition, long[]> bounds = bounds(scan);
        if (bounds.isEmpty()) {
            return 0;
        }
        long total = bounds.values().stream().mapToLong(b -> b[1] - b[0]).sum();
        consumer.assign(bounds.keySet());
        bounds.forEach((partition, range) -> consumer.seek(partition, range[0]));
        var open = new HashMap<>(bounds);
        var lateRuns = new HashMap<TopicPartition, Integer>();
        long late = scan.range().to().toEpochMilli() + SKEW.toMillis();
        long read = 0;
        while (!open.isEmpty()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                var partition = new TopicPartition(record.topic(), record.partition());
                long[] range = open.get(partition);
                if (range == null || record.offset() >= range[1]) {
                    continue;
                }
                read++;
                if (scan.range().contains(record.timestamp()) && scan.filter().test(record)) {
                    sink.accept(record);
                }
                int run = record.timestamp() >= late ? lateRuns.merge(partition, 1, Integer::sum) : 0;
                if (run == 0) {
                    lateRuns.remove(partition);
                } else if (run >= LATE_RUN) {
                    range[1] = record.offset() + 1;
                }
            }
            closeFinished(open);
            progress.tick("reading " + scan.topic(), read, total);
        }
        return read;
    }

    /**
     * Feeds {@code sink} the records at {@code offsets} (ascending) of one partition, read {@code read_committed}. An
     * offset that holds no record any more (deleted by retention, compacted, a transaction marker) is skipped. Offsets
     * close to each other are read in one pass, distant ones after a seek.
     */
    public void readAt(String topic, int partition, long[] offsets, Consumer<ConsumerRecord<String, byte[]>> sink) {
        var topicPartition = new TopicPartition(topic, partition);
        try {
            consumer.assign(List.of(topicPartition));
            long end = consumer.endOffsets(List.of(topicPartition), timeout).get(topicPartition);
            int next = 0;
            while (next < offsets.length && offsets[next] < end) {
                consumer.seek(topicPartition, offsets[next]);
                next = readFrom(topicPartition, offsets, next, end, sink);
            }
        } catch (KafkaException e) {
            throw new InfrastructureException("reading " + topic + " failed: " + e.getMessage(), e);
        } finally {
            consumer.unsubscribe();
        }
    }

    /** Reads on from the current position while the next wanted offset is near; returns the index of the next one. */
    private int readFrom(TopicPartition partition, long[] offsets, int first, long end,
                         Consumer<ConsumerRecord<String, byte[]>> sink) {
        int next = first;
        while (true) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                while (next < offsets.length && offsets[next] < record.offset()) {
                    next++;
                }
                if (next < offsets.length && offsets[next] == record.offset()) {
                    sink.accept(record);
                    next++;
                }
            }
            long position = consumer.position(partition, timeout);
            while (next < offsets.length && offsets[next] < position) {
                next++;
            }
            if (next >= offsets.length || position >= end || offsets[next] - position > NEAR) {
                return next;
            }
        }
    }

    /** [first offset stamped at or after the range's start, end offset) per partition that has records from then on. */
    private Map<TopicPartition, long[]> bounds(Scan scan) {
        var partitions = new ArrayList<TopicPartition>();
        int count = partitions(scan.topic());
        if (count == 0) {
            progress.say("topic " + scan.topic() + " does not exist; skipped");
            return Map.of();
        }
        for (int p = 0; p < count; p++) {
            if (scan.partitions() == null || scan.partitions().contains(p)) {
                partitions.add(new TopicPartition(scan.topic(), p));
            }
        }
        Map<TopicPartition, OffsetAndTimestamp> starts = offsetsAt(partitions, scan.range().from().toEpochMilli());
        Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, timeout);
        var bounds = new HashMap<TopicPartition, long[]>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start == null) {
                continue;
            }
            long endOffset = latest.get(partition);
            if (endOffset > start.offset()) {
                bounds.put(partition, new long[] {start.offset(), endOffset});
            }
        }
        return bounds;
    }

    private Map<TopicPartition, OffsetAndTimestamp> offsetsAt(List<TopicPartition> partitions, long timestampMs) {
        var query = new HashMap<TopicPartition, Long>();
        partitions.forEach(partition -> query.put(partition, timestampMs));
        return consumer.offsetsForTimes(query, timeout);
    }

    private void closeFinished(Map<TopicPartition, long[]> open) {
        var done = new ArrayList<TopicPartition>();
        open.forEach((partition, range) -> {
            if (consumer.position(partition, timeout) >= range[1]) {
                done.add(partition);
            }
        });
        if (!done.isEmpty()) {
            done.forEach(open::remove);
            consumer.pause(done);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
