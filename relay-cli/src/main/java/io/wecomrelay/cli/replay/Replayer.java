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
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.cli.kafka.Bytes;
import io.wecomrelay.cli.kafka.KafkaOptions;
import io.wecomrelay.cli.kafka.Progress;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TopicScanner;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
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
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * partition: the stores are per bot, and one bot's records share a partition.
 */
public final class Replayer {

    /** What the replay needs besides Kafka. */
    public record Settings(TimeRange range, Duration warmUp, @Nullable String bot, Duration dedupRetention,
                           EntitlementPolicy entitlements, String inboundTopic, String acceptedTopic,
                           String rejectedTopic, String entitlementsTopic) {
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
        try (var scanner = new TopicScanner(kafka, progress)) {
            Map<String, Verdict> recorded = recorded(scanner, settings, read);
            progress.say("recorded decisions read: " + recorded.size());
            List<TestRecord<String, byte[]>> grants = settings.entitlements().enabled()
                    ? grants(scanner, settings.entitlementsTopic()) : List.of();
            int partitions = scanner.partitions(settings.inboundTopic());
            var run = new Run(settings, bots, recorded);
            for (int partition = 0; partition < partitions; partition++) {
                if (settings.bot() == null || BotPartitions.of(settings.bot(), partitions) == partition) {
                    run.partition(scanner, partition, read, grants);
                }
            }
            return run.finish();
        }
    }

    private static Map<String, Verdict> recorded(TopicScanner scanner, Settings settings, TimeRange read) {
        var recorded = new HashMap<String, Verdict>();
        var serde = EventSerde.any();
        String bot = settings.bot();
        byte[] botField = bot == null ? new byte[0] : Bytes.jsonField("botId", bot);
        for (String topic : List.of(settings.acceptedTopic(), settings.rejectedTopic())) {
            scanner.scan(Scan.of(topic, read).where(record -> Bytes.contains(record.value(), botField)), record -> {
                try {
                    RelayEvent event = serde.deserialize(topic, record.value());
                    if (event != null && (bot == null || bot.equals(event.botId()))) {
                        Verdict verdict = Verdict.of(event);
                        recorded.put(verdict.link(), verdict);
                    }
                } catch (SerializationException | IllegalArgumentException e) {
                    // not a decision this version reads: it cannot be compared, and the comparison says so
                }
            });
        }
        return recorded;
    }

    /** Every entitlement record there is (a compacted topic: the latest per user, and what compaction has not yet removed). */
    private static List<TestRecord<String, byte[]>> grants(TopicScanner scanner, String topic) {
        var grants = new ArrayList<TestRecord<String, byte[]>>();
        scanner.scan(Scan.of(topic, TimeRange.ALL), record -> grants.add(
                new TestRecord<>(record.key(), record.value(), null, record.timestamp())));
        grants.sort(Comparator.comparing(TestRecord::getRecordTime));
        return grants;
    }

    /** One replay: the recorded decisions still unmatched, and the differences found so far. */
    private final class Run {

        private final Settings settings;
        private final RecordTimeBots bots;
        private final Map<String, Verdict> recorded;
        private final List<Difference> differences = new ArrayList<>();
        private final EventSerde<MessageReceived> inboundSerde = EventSerde.of(MessageReceived.class);
        private long compared;
        private long deadLettered;

        Run(Settings settings, RecordTimeBots bots, Map<String, Verdict> recorded) {
            this.settings = settings;
            this.bots = bots;
            this.recorded = recorded;
        }

        void partition(TopicScanner scanner, int partition, TimeRange read, List<TestRecord<String, byte[]>> grants) {
            Path state = temporaryState();
            try (var driver = driver(state)) {
                var topics = topics();
                TestInputTopic<byte[], byte[]> inbound = driver.createInputTopic(topics.inbound(), new ByteArraySerializer(), new ByteArraySerializer());
                TestInputTopic<String, byte[]> entitlements = driver.createInputTopic(topics.entitlements(), new StringSerializer(), new ByteArraySerializer());
                TestOutputTopic<String, RelayEvent> accepted = driver.createOutputTopic(topics.accepted(), new StringDeserializer(), EventSerde.any());
                TestOutputTopic<String, RelayEvent> rejected = driver.createOutputTopic(topics.rejected(), new StringDeserializer(), EventSerde.any());
                TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(topics.inboundDeadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                int[] nextGrant = {0};
                scanner.scan(Scan.of(settings.inboundTopic(), read).onPartitions(Set.of(partition)), record -> {
                    while (nextGrant[0] < grants.size() && grants.get(nextGrant[0]).timestamp() <= record.timestamp()) {
                        entitlements.pipeInput(grants.get(nextGrant[0]++));
                    }
                    boolean known = chooseBots(record);
                    inbound.pipeInput(new TestRecord<>(keyBytes(record.key()), record.value(), record.headers(), record.timestamp()));
                    boolean checked = settings.range().contains(record.timestamp());
                    accepted.readRecordsToList().forEach(r -> compare(r.value(), checked, known));
                    rejected.readRecordsToList().forEach(r -> compare(r.value(), checked, known));
                    deadLettered += checked ? dead.readRecordsToList().size() : 0;
                });
            } finally {
                delete(state);
            }
        }

        /** Picks the bots file version the recorded decision names; false when none of the given files has it. */
        private boolean chooseBots(ConsumerRecord<String, byte[]> record) {
            if (bots.single()) {
                return true;
            }
            try {
                MessageReceived received = inboundSerde.deserialize(record.topic(), record.value());
                if (received == null) {
                    return true;
                }
                Verdict verdict = recorded.get(Verdict.link(received.streamId(), record.timestamp(), received.meta().traceId()));
                return bots.choose(received.botId(), verdict == null ? null : verdict.policyVersion());
            } catch (SerializationException e) {
                return true;
            }
        }

        private void compare(RelayEvent decision, boolean checked, boolean policyKnown) {
            if (settings.bot() != null && !settings.bot().equals(decision.botId())) {
                return;
            }
            Verdict replayed = Verdict.of(decision);
            Verdict original = recorded.remove(replayed.link());
            if (!checked) {
                return;
            }
            compared++;
            progress.tick("replayed", compared, 0);
            if (original == null) {
                differences.add(new Difference(decision.meta().occurredAt(), decision.botId(), decision.streamId(), null,
                        replayed.text(), "no recorded decision for this inbound record"));
            } else if (!original.text().equals(replayed.text())) {
                differences.add(new Difference(decision.meta().occurredAt(), decision.botId(), decision.streamId(),
                        original.text(), replayed.text(), note(original, replayed, policyKnown)));
            }
        }

        private static String note(Verdict original, Verdict replayed, boolean policyKnown) {
            if (policyKnown && original.policyVersion().equals(replayed.policyVersion())) {
                return "decided differently under the same policy version";
            }
            return "recorded under policy version " + original.policyVersion() + ", replayed under "
                    + replayed.policyVersion() + (policyKnown ? "" : "; no bots file given has " + original.policyVersion());
        }

        Result finish() {
            long from = settings.range().from().toEpochMilli();
            long to = settings.range().to().toEpochMilli();
            recorded.values().stream()
                    .filter(verdict -> {
                        long at = Long.parseLong(verdict.link().substring(verdict.link().indexOf('@') + 1, verdict.link().indexOf('#')));
                        return at >= from && at < to;
                    })
                    .forEach(verdict -> {
                        long at = Long.parseLong(verdict.link().substring(verdict.link().indexOf('@') + 1, verdict.link().indexOf('#')));
                        differences.add(new Difference(Instant.ofEpochMilli(at), settings.bot() == null ? "" : settings.bot(),
                                verdict.link().substring(0, verdict.link().indexOf('@')), verdict.text(), null,
                                "recorded decision without its inbound record in the range"));
                    });
            differences.sort(Comparator.comparing(Difference::at));
            return new Result(compared, deadLettered, differences);
        }

        private TopologyTestDriver driver(Path state) {
            var topics = topics();
            var topologySettings = new ProcessorTopology.Settings(topics, settings.dedupRetention(), settings.entitlements());
            var deadLetters = new DeadLetterScheme(APPLICATION, Clock.systemUTC(), new SimpleMeterRegistry());
            Map<String, Object> config = new HashMap<>(StreamsSettings.guarantees(APPLICATION + "-" + UUID.randomUUID(), topics, deadLetters));
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay.invalid:9092");
            config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            var topology = new ProcessorTopology(topologySettings, bots, decided -> { }).build(config);
            var properties = new Properties();
            properties.putAll(config);
            return new TopologyTestDriver(topology, properties);
        }

        private ProcessorTopics topics() {
            return new ProcessorTopics(settings.inboundTopic(), settings.acceptedTopic(), settings.rejectedTopic(),
                    settings.entitlementsTopic());
        }
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
