package io.wecomrelay.cli.kafka;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scanner's rule against the real broker: a partition is read from the first record stamped at or after the
 * range's start until 1,000 records in a row are stamped 5 minutes or more after its end; records out of time order
 * before such a run are found, the rest of the partition is not read, and transaction markers (stamped by the
 * broker's clock) end nothing.
 */
class TopicScannerTest {

    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
    private static final TimeRange RANGE = new TimeRange(T, T.plus(Duration.ofHours(1)));

    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void connect() {
        var settings = new HashMap<String, Object>();
        settings.put("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers());
        producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void disconnect() {
        producer.close();
    }

    @Test
    void recordsStampedInTheRangeAreFoundUntilARunIsStampedFiveMinutesPastItsEnd() {
        String topic = topic();
        var sent = new ArrayList<String>();
        send(topic, "before", T.minusSeconds(1), sent);
        send(topic, "first", T, sent);
        send(topic, "late-writer-before-start", T.minusSeconds(30), sent);
        send(topic, "last", RANGE.to().minusMillis(1), sent);
        send(topic, "after-end", RANGE.to(), sent);
        send(topic, "skewed-after-end", RANGE.to().plus(Duration.ofMinutes(4)), sent);
        send(topic, "written-late-within-skew", T.plus(Duration.ofMinutes(30)), sent);
        send(topic, "clock-ahead", RANGE.to().plus(Duration.ofHours(2)), sent);
        send(topic, "written-after-one-clock-ahead", T.plus(Duration.ofMinutes(40)), sent);
        for (int i = 0; i < TopicScanner.LATE_RUN - 1; i++) {
            producer.send(new ProducerRecord<>(topic, 0, RANGE.to().plus(TopicScanner.SKEW).toEpochMilli(), "run", "run"));
            sent.add("run-" + i);
        }
        send(topic, "run-broken", T.plus(Duration.ofMinutes(50)), sent);
        for (int i = 0; i < TopicScanner.LATE_RUN; i++) {
            producer.send(new ProducerRecord<>(topic, 0, RANGE.to().plus(Duration.ofHours(1)).toEpochMilli(), "tail", "tail"));
            sent.add("tail-" + i);
        }
        send(topic, "written-after-the-run", T.plus(Duration.ofMinutes(55)), sent);

        var found = new ArrayList<String>();
        long read;
        try (var scanner = scanner()) {
            read = scanner.scan(Scan.of(topic, RANGE), record -> found.add(record.key()));
        }

        assertThat(found).containsExactly("first", "last", "written-late-within-skew", "written-after-one-clock-ahead",
                "run-broken");
        // from "first" to the last record of the run, inclusive: nothing after the run is read
        assertThat(read).isEqualTo(sent.indexOf("tail-" + (TopicScanner.LATE_RUN - 1)) - sent.indexOf("first") + 1);
    }

    @Test
    void aRangeWithoutRecordsAfterItReadsToTheEndOfThePartition() {
        String topic = topic();
        var sent = new ArrayList<String>();
        send(topic, "in", T.plusSeconds(1), sent);
        send(topic, "skewed", RANGE.to().plusSeconds(10), sent);
        send(topic, "written-late", T.plusSeconds(2), sent);

        var found = new ArrayList<String>();
        try (var scanner = scanner()) {
            scanner.scan(Scan.of(topic, RANGE), record -> found.add(record.key()));
        }

        assertThat(found).containsExactly("in", "written-late");
    }

    @Test
    void aRangeDecidedLongAfterItsTimeIsReadWhole() {
        // a processor catching up writes past record times in transactions: the broker stamps each commit marker with
        // its own clock, hours after the range's end
        String topic = topic();
        var settings = new HashMap<String, Object>();
        settings.put("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers());
        settings.put("transactional.id", "scanner-test-" + UUID.randomUUID());
        try (var transactional = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
            transactional.initTransactions();
            for (int i = 0; i < 5; i++) {
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>(topic, 0, T.plus(Duration.ofMinutes(10L * i)).toEpochMilli(), "t-" + i, "t-" + i));
                transactional.commitTransaction();
            }
        }

        var found = new ArrayList<String>();
        try (var scanner = scanner()) {
            scanner.scan(Scan.of(topic, RANGE), record -> found.add(record.key()));
        }

        assertThat(found).containsExactly("t-0", "t-1", "t-2", "t-3", "t-4");
    }

    @Test
    void recordsAreReadAgainAtTheirOffsetsNearOrFarApart() {
        String topic = topic();
        for (int i = 0; i < 12_000; i++) {
            producer.send(new ProducerRecord<>(topic, 0, T.plusMillis(i).toEpochMilli(), "r-" + i, "r-" + i));
        }
        producer.flush();

        var found = new ArrayList<String>();
        var offsets = new HashMap<String, Long>();
        try (var scanner = scanner()) {
            scanner.readAt(topic, 0, new long[] {3, 4, 90, 11_500, 11_999, 50_000}, record -> {
                found.add(record.key());
                offsets.put(record.key(), record.offset());
            });
        }

        assertThat(found).containsExactly("r-3", "r-4", "r-90", "r-11500", "r-11999");
        assertThat(offsets).containsEntry("r-11500", 11_500L);
    }

    private static TopicScanner scanner() {
        return new TopicScanner(KafkaOptions.of(TestInfrastructure.kafkaBootstrapServers()), Progress.NONE);
    }

    private static String topic() {
        String topic = "scanner-" + UUID.randomUUID();
        TestInfrastructure.createTopics(1, topic);
        return topic;
    }

    /** Written in order, each acknowledged before the next (so offsets follow the calls). */
    private static void send(String topic, String key, Instant at, List<String> sent) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, at.toEpochMilli(), key, key)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        sent.add(key);
    }
}
