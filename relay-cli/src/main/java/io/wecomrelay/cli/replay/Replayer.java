package io.wecomrelay.cli.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.cli.kafka.Bytes;
import io.wecomrelay.cli.kafka.KafkaOptions;
import io.wecomrelay.cli.kafka.Progress;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TopicScanner;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import io.wecomrelay.cli.replay.DecisionView.Decided;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.topology.ProcessorTopics;
import io.wecomrelay.processor.topology.ProcessorTopology;
import io.wecomrelay.processor.topology.StreamsSettings;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.BotPartitions;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.jspecify.annotations.Nullable;

/**
 * Runs the processor's own topology ({@link ProcessorTopology}: dedup, bot rules, entitlements, message types, rate
 * limit, the decision events) over a range of {@code wecom.inbound} under Kafka Streams' {@link TopologyTestDriver}:
 * no broker connection, no consumer group, no changelog, no write to any topic; its state lives in a temporary
 * directory that is deleted afterwards. The running processor's state is never read or touched.
 * <p>
 * Records of the warm-up before the range (by default the dedup retention) go through first, unchecked, so that
 * dedup and the rolling rate limit start where the processor stood. The entitlement table is fed its records in
 * record-time order, each just before the first inbound record at or after its time. One driver per inbound
 * partition: the stores are per bot, and one bot's records share a partition. The topology's decision events are
 * compared as the graph made them ({@link CapturedDecisions}), not written as JSON and read back.
 */
public final class Replayer {

    /** What the replay needs besides Kafka; {@code threads} replay (and read) that many partitions at once. */
    public record Settings(TimeRange range, Duration warmUp, @Nullable String bot, Duration dedupRetention,
                           EntitlementPolicy entitlements, String inboundTopic, String acceptedTopic,
                           String rejectedTopic, String entitlementsTopic, int threads) {
    }

    /** What the replay found. */
    public record Result(long compared, long deadLettered, List<Difference> differences) {
    }

    private static final String APPLICATION = "relay-replay";

    private final KafkaOptions kafka;
    private final Progress progress;

    public Replayer(KafkaOptions kafka, Progress progress) {
        this.kafka = kafka;
        this.progress = progress;
    }

    Result run(Settings settings, RecordTimeBots bots) {
        TimeRange read = settings.range().startingEarlier(settings.warmUp());
        try (var scanner = new TopicScanner(kafka, progress); var workers = new Workers(settings.threads())) {
            RecordedDecisions recorded = recorded(workers, settings, read);
            progress.say("recorded decisions read: " + recorded.size());
            List<TestRecord<String, byte[]>> grants = settings.entitlements().enabled()
                    ? grants(scanner, settings.entitlementsTopic()) : List.of();
            int partitions = scanner.partitions(settings.inboundTopic());
            var run = new Run(settings, recorded);
            var tasks = new ArrayList<Callable<List<Pending>>>();
            for (int partition = 0; partition < partitions; partition++) {
                if (settings.bot() == null || BotPartitions.of(settings.bot(), partitions) == partition) {
                    int only = partition;
                    tasks.add(() -> {
                        try (var own = new TopicScanner(kafka, progress)) {
                            return run.partition(own, only, read, grants, bots.copy());
                        }
                    });
                }
            }
            // differences in partition order, as one thread replaying partition after partition finds them
            workers.all(tasks).forEach(run::addDifferences);
            return run.finish(scanner);
        }
    }

    /**
     * Each partition of each decision topic is read and parsed on its own (in parallel on {@link Workers}), then kept
     * in topic and partition order: a later decision with a link already kept replaces it, the same way every run.
     */
    private RecordedDecisions recorded(Workers workers, Settings settings, TimeRange read) {
        String bot = settings.bot();
        byte[] botField = bot == null ? new byte[0] : Bytes.jsonField("botId", bot);
        List<String> topics = decisionTopics(settings);
        var tasks = new ArrayList<Callable<RecordedDecisions>>();
        try (var scanner = new TopicScanner(kafka, progress)) {
            for (int topic = 0; topic < topics.size(); topic++) {
                int topicIndex = topic;
                for (int partition = 0; partition < scanner.partitions(topics.get(topic)); partition++) {
                    Scan scan = Scan.of(topics.get(topic), read).onPartitions(Set.of(partition))
                            .where(record -> Bytes.contains(record.value(), botField));
                    tasks.add(() -> recorded(scan, topicIndex, bot));
                }
            }
        }
        var recorded = new RecordedDecisions();
        workers.all(tasks).forEach(recorded::addAll);
        return recorded;
    }

    private RecordedDecisions recorded(Scan scan, int topicIndex, @Nullable String bot) {
        var recorded = new RecordedDecisions();
        try (var scanner = new TopicScanner(kafka, progress)) {
            scanner.scan(scan, record -> {
                // not a decision this version reads: it cannot be compared, and the comparison says so
                Decided decided = DecisionView.read(record.value());
                if (decided != null && (bot == null || bot.equals(decided.botId()))) {
                    recorded.add(decided.verdict(), decided.at().toEpochMilli(),
                            new RecordedDecisions.Place(topicIndex, record.partition(), record.offset()));
                }
            });
        }
        return recorded;
    }

    private static List<String> decisionTopics(Settings settings) {
        return List.of(settings.acceptedTopic(), settings.rejectedTopic());
    }

    /** Every entitlement record there is (a compacted topic: the latest per user, and what compaction has not yet removed). */
    private static List<TestRecord<String, byte[]>> grants(TopicScanner scanner, String topic) {
        var grants = new ArrayList<TestRecord<String, byte[]>>();
        scanner.scan(Scan.of(topic, TimeRange.ALL), record -> grants.add(
                new TestRecord<>(record.key(), record.value(), null, record.timestamp())));
        grants.sort(Comparator.comparing(TestRecord::getRecordTime));
        return grants;
    }

    /**
     * One replay: the recorded decisions still unmatched, and the differences found so far. A difference's recorded
     * decision is read again from where it was recorded when the replay is done ({@link #finish}).
     */
    private final class Run {

        private final Settings settings;
        /** Shared by the partitions' threads: read and marked under {@code this}. */
        private final RecordedDecisions recorded;
        private final List<Pending> differences = new ArrayList<>();
        private long compared;
        private long deadLettered;

        Run(Settings settings, RecordedDecisions recorded) {
            this.settings = settings;
            this.recorded = recorded;
        }

        /**
         * Replays one inbound partition on its own driver: the processor's stores are per task, a task is a
         * partition, so a partition's decisions depend on its own records (and the entitlement table) alone.
         * Returns the partition's differences in the order found.
         */
        List<Pending> partition(TopicScanner scanner, int partition, TimeRange read, List<TestRecord<String, byte[]>> grants,
                                RecordTimeBots bots) {
            var found = new ArrayList<Pending>();
            var inboundSerde = EventSerde.of(MessageReceived.class);
            Path state = temporaryState();
            var decisions = new CapturedDecisions();
            try (var driver = driver(state, bots, decisions)) {
                var topics = topics();
                TestInputTopic<byte[], byte[]> inbound = driver.createInputTopic(topics.inbound(), new ByteArraySerializer(), new ByteArraySerializer());
                TestInputTopic<String, byte[]> entitlements = driver.createInputTopic(topics.entitlements(), new StringSerializer(), new ByteArraySerializer());
                // the decisions' records carry no value (the events are taken from the sinks' serializer): read to be dropped
                TestOutputTopic<byte[], byte[]> accepted = driver.createOutputTopic(topics.accepted(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                TestOutputTopic<byte[], byte[]> rejected = driver.createOutputTopic(topics.rejected(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(topics.inboundDeadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                int[] nextGrant = {0};
                scanner.scan(Scan.of(settings.inboundTopic(), read).onPartitions(Set.of(partition)), record -> {
                    while (nextGrant[0] < grants.size() && grants.get(nextGrant[0]).timestamp() <= record.timestamp()) {
                        entitlements.pipeInput(grants.get(nextGrant[0]++));
                    }
                    boolean known = chooseBots(record, bots, inboundSerde);
                    inbound.pipeInput(new TestRecord<>(keyBytes(record.key()), record.value(), record.headers(), record.timestamp()));
                    boolean checked = settings.range().contains(record.timestamp());
                    accepted.readRecordsToList();
                    rejected.readRecordsToList();
                    decisions.drain().forEach(event -> compare(event, checked, known, found));
                    // asking for a topic nothing was written to yet makes the driver log a warning, every record
                    int unreadable = driver.producedTopicNames().contains(topics.inboundDeadLetter())
                            ? dead.readRecordsToList().size() : 0;
                    if (checked && unreadable > 0) {
                        synchronized (this) {
                            deadLettered += unreadable;
                        }
                    }
                });
            } finally {
                delete(state);
            }
            return found;
        }

        synchronized void addDifferences(List<Pending> found) {
            differences.addAll(found);
        }

        /** Picks the bots file version the recorded decision names; false when none of the given files has it. */
        private boolean chooseBots(ConsumerRecord<String, byte[]> record, RecordTimeBots bots, EventSerde<MessageReceived> inboundSerde) {
            if (bots.single()) {
                return true;
            }
            try {
                MessageReceived received = inboundSerde.deserialize(record.topic(), record.value());
                if (received == null) {
                    return true;
                }
                String link = Verdict.link(received.streamId(), record.timestamp(), received.meta().traceId());
                String policyVersion;
                synchronized (this) {
                    policyVersion = recorded.policyVersion(link);
                }
                return bots.choose(received.botId(), policyVersion);
            } catch (SerializationException e) {
                return true;
            }
        }

        private void compare(RelayEvent event, boolean checked, boolean policyKnown, List<Pending> found) {
            Decided decision = DecisionView.of(event);
            if (decision == null) {
                throw new IllegalStateException("the processor's topology wrote a decision this version cannot read");
            }
            if (settings.bot() != null && !settings.bot().equals(decision.botId())) {
                return;
            }
            Verdict replayed = decision.verdict();
            int original;
            boolean same;
            synchronized (this) {
                original = recorded.take(replayed.link());
                if (!checked) {
                    return;
                }
                compared++;
                progress.tick("replayed", compared, 0);
                same = original >= 0 && recorded.sameText(original, replayed);
            }
            if (original < 0) {
                found.add(new Pending(new Difference(decision.at(), decision.botId(), decision.streamId(), null,
                        replayed.text(), "no recorded decision for this inbound record"), -1, replayed, policyKnown));
            } else if (!same) {
                found.add(new Pending(new Difference(decision.at(), decision.botId(), decision.streamId(), null,
                        replayed.text(), ""), original, replayed, policyKnown));
            }
        }

        /**
         * Reads the recorded side of each difference again, adds the recorded decisions in the range that no inbound
         * record matched, and orders the differences by time.
         */
        Result finish(TopicScanner scanner) {
            long from = settings.range().from().toEpochMilli();
            long to = settings.range().to().toEpochMilli();
            var unmatched = new ArrayList<Integer>();
            recorded.forEachLeft(index -> {
                long at = recorded.timestampMs(index);
                if (at >= from && at < to) {
                    unmatched.add(index);
                }
            });
            var wanted = new ArrayList<Integer>();
            differences.stream().filter(pending -> pending.recorded() >= 0).forEach(pending -> wanted.add(pending.recorded()));
            wanted.addAll(unmatched);
            Map<Integer, Decided> again = readAgain(scanner, wanted);
            var result = new ArrayList<Difference>();
            for (Pending pending : differences) {
                result.add(pending.recorded() < 0 ? pending.difference() : pending.complete(again.get(pending.recorded())));
            }
            for (int index : unmatched) {
                Decided decided = again.get(index);
                Verdict verdict = decided == null ? null : decided.verdict();
                String link = verdict == null ? "" : verdict.link();
                result.add(new Difference(Instant.ofEpochMilli(recorded.timestampMs(index)), settings.bot() == null ? "" : settings.bot(),
                        link.isEmpty() ? "(unreadable)" : link.substring(0, link.indexOf('@')),
                        verdict == null ? "(recorded decision no longer readable)" : verdict.text(), null,
                        "recorded decision without its inbound record in the range"));
            }
            result.sort(Comparator.comparing(Difference::at));
            return new Result(compared, deadLettered, result);
        }

        /** The recorded decisions at these indexes, read again from their topics (per partition, in offset order). */
        private Map<Integer, Decided> readAgain(TopicScanner scanner, List<Integer> indexes) {
            var byPartition = new HashMap<Partition, Map<Long, Integer>>();
            for (int index : indexes) {
                RecordedDecisions.Place place = recorded.place(index);
                byPartition.computeIfAbsent(new Partition(place.topic(), place.partition()), key -> new HashMap<>())
                        .put(place.offset(), index);
            }
            var found = new HashMap<Integer, Decided>();
            List<String> topics = decisionTopics(settings);
            byPartition.forEach((partition, atOffsets) -> {
                long[] offsets = atOffsets.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
                scanner.readAt(topics.get(partition.topic()), partition.partition(), offsets, record -> {
                    Decided decided = DecisionView.read(record.value());
                    if (decided != null) {
                        found.put(atOffsets.get(record.offset()), decided);
                    }
                });
            });
            return found;
        }

        private record Partition(int topic, int partition) {
        }

        private TopologyTestDriver driver(Path state, RecordTimeBots bots, CapturedDecisions decisions) {
            var topics = topics();
            var topologySettings = new ProcessorTopology.Settings(topics, settings.dedupRetention(), settings.entitlements());
            var deadLetters = new DeadLetterScheme(APPLICATION, Clock.systemUTC(), new SimpleMeterRegistry());
            Map<String, Object> config = new HashMap<>(StreamsSettings.guarantees(APPLICATION + "-" + UUID.randomUUID(), topics, deadLetters));
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay.invalid:9092");
            config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            var topology = new ProcessorTopology(topologySettings, bots, decided -> { }).buildIsolated(config, decisions.serde());
            var properties = new Properties();
            properties.putAll(config);
            return new TopologyTestDriver(topology, properties);
        }

        private ProcessorTopics topics() {
            return new ProcessorTopics(settings.inboundTopic(), settings.acceptedTopic(), settings.rejectedTopic(),
                    settings.entitlementsTopic());
        }
    }

    /** A difference whose recorded decision (at index {@code recorded} of the kept ones, or -1: none) is read later. */
    private record Pending(Difference difference, int recorded, Verdict replayed, boolean policyKnown) {

        Difference complete(@Nullable Decided original) {
            Difference d = difference;
            if (original == null) {
                return new Difference(d.at(), d.botId(), d.streamId(), "(recorded decision no longer readable)",
                        d.replayed(), "");
            }
            return new Difference(d.at(), d.botId(), d.streamId(), original.verdict().text(), d.replayed(),
                    note(original.verdict(), replayed, policyKnown));
        }
    }

    private static String note(Verdict original, Verdict replayed, boolean policyKnown) {
        if (policyKnown && original.policyVersion().equals(replayed.policyVersion())) {
            return "decided differently under the same policy version";
        }
        return "recorded under policy version " + original.policyVersion() + ", replayed under "
                + replayed.policyVersion() + (policyKnown ? "" : "; no bots file given has " + original.policyVersion());
    }

    private static byte @Nullable [] keyBytes(@Nullable String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    private static Path temporaryState() {
        try {
            return Files.createTempDirectory("relay-replay-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the replay's temporary state directory", e);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
