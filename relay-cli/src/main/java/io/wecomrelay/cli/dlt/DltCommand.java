package io.wecomrelay.cli.dlt;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.cli.command.KafkaCommand;
import io.wecomrelay.cli.kafka.InfrastructureException;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TopicScanner;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.cli.topics.TopicCatalog;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relay dlt}: dead-letter topics: what is in them, one in full, and putting them back. */
@Command(name = "dlt", mixinStandardHelpOptions = true, description = "Dead-letter topics.",
        subcommands = {DltCommand.ListLetters.class, DltCommand.Show.class, DltCommand.Redrive.class})
public final class DltCommand {

    /** Which dead letters a subcommand works on. */
    static final class Selection {
        @Option(names = "--partition", description = "Only this partition.")
        @Nullable Integer partition;

        @Option(names = "--offset", description = "Only this offset (with --partition).")
        @Nullable Long offset;

        boolean admits(DeadLetter letter) {
            return (partition == null || letter.record().partition() == partition)
                    && (offset == null || letter.record().offset() == offset);
        }
    }

    static List<DeadLetter> read(TopicScanner scanner, String topic, Selection selection) {
        var letters = new ArrayList<DeadLetter>();
        Set<Integer> partitions = selection.partition == null ? null : Set.of(selection.partition);
        scanner.scan(Scan.of(topic, TimeRange.ALL).onPartitions(partitions), record -> {
            var letter = new DeadLetter(record);
            if (selection.admits(letter)) {
                letters.add(letter);
            }
        });
        return letters;
    }

    /** A subcommand on one dead-letter topic. */
    abstract static class OnTopic extends KafkaCommand {

        @Parameters(paramLabel = "TOPIC", description = "A dead-letter topic, e.g. wecom.inbound.dlt.")
        String topic;

        String deadLetterTopic() {
            if (!topic.endsWith(TopicSpec.DEAD_LETTER_SUFFIX)) {
                throw usage(topic + " is not a dead-letter topic (*" + TopicSpec.DEAD_LETTER_SUFFIX + ")");
            }
            return topic;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Without TOPIC: every dead-letter topic of the catalog and how many records it holds.",
                    "With TOPIC: its dead letters (source, service, exception, message; never the value) and whether "
                            + "each was redriven."})
    static final class ListLetters extends KafkaCommand {

        @Mixin
        Selection selection;

        @Parameters(arity = "0..1", paramLabel = "TOPIC", description = "A dead-letter topic, e.g. wecom.inbound.dlt.")
        @Nullable String topic;

        @Override
        public Integer call() {
            Rows rows = rows();
            try (var scanner = scanner()) {
                if (topic == null) {
                    for (TopicSpec catalogTopic : TopicCatalog.expected()) {
                        if (catalogTopic.name().endsWith(TopicSpec.DEAD_LETTER_SUFFIX)) {
                            Map<String, @Nullable Object> row = Rows.row();
                            row.put("topic", catalogTopic.name());
                            row.put("records", scanner.partitions(catalogTopic.name()) == 0 ? "missing"
                                    : scanner.scan(Scan.of(catalogTopic.name(), TimeRange.ALL).where(r -> false), r -> { }));
                            rows.add(row);
                        }
                    }
                    rows.flush();
                    return ExitCodes.OK;
                }
                if (!topic.endsWith(TopicSpec.DEAD_LETTER_SUFFIX)) {
                    throw usage(topic + " is not a dead-letter topic (*" + TopicSpec.DEAD_LETTER_SUFFIX + ")");
                }
                List<DeadLetter> letters = read(scanner, topic, selection);
                Map<String, Set<String>> done = new HashMap<>();
                for (DeadLetter letter : letters) {
                    Set<String> redriven = done.computeIfAbsent(letter.sourceTopic(),
                            source -> Redrives.done(scanner, source, Redrives.oldest(letters)));
                    rows.add(letter.summary(redriven.contains(letter.id())));
                }
                rows.flush();
                return letters.isEmpty() ? ExitCodes.DIFFERENCES : ExitCodes.OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"One dead letter in full: every header and the value as stored (it may hold message text: "
                    + "handle the output as you would the topic).", "Exit code 1 when there is none at that place."})
    static final class Show extends OnTopic {

        @Option(names = "--partition", required = true)
        int partition;

        @Option(names = "--offset", required = true)
        long offset;

        @Override
        public Integer call() {
            String topic = deadLetterTopic();
            var selection = new Selection();
            selection.partition = partition;
            selection.offset = offset;
            List<DeadLetter> letters;
            try (var scanner = scanner()) {
                letters = read(scanner, topic, selection);
            }
            if (letters.isEmpty()) {
                err().println("relay dlt show: no record at " + topic + "-" + partition + "@" + offset);
                return ExitCodes.DIFFERENCES;
            }
            var record = letters.get(0).record();
            Rows rows = rows();
            Map<String, @Nullable Object> row = Rows.row();
            row.put("key", record.key());
            for (Header header : record.headers()) {
                row.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
            row.put("value", record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
            if (forMachines()) {
                rows.add(row);
            } else {
                row.forEach((name, value) -> {
                    Map<String, @Nullable Object> line = Rows.row();
                    line.put("field", name);
                    line.put("value", value);
                    rows.add(line);
                });
            }
            rows.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Puts dead letters back on the topic they came from (header dlt-topic), with their key, "
                    + "value, record time and headers (the dlt-* headers removed) and the headers "
                    + Redrives.FROM + " (the dead letter's topic/partition/offset) and " + Redrives.AT + ".",
                    "A dead letter whose copy is already on the source topic is skipped, so running it twice "
                            + "writes nothing twice. Two redrives of the same letters at the same moment are not "
                            + "guarded against: run one at a time."})
    static final class Redrive extends OnTopic {

        @Mixin
        Selection selection;

        @Option(names = "--dry-run", description = "Say what would be redriven; write nothing.")
        boolean dryRun;

        private final Clock clock;

        Redrive(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Integer call() {
            String topic = deadLetterTopic();
            Rows rows = rows();
            try (var scanner = scanner()) {
                List<DeadLetter> letters = read(scanner, topic, selection);
                Map<String, Set<String>> done = new HashMap<>();
                try (var producer = producer()) {
                    for (DeadLetter letter : letters) {
                        Set<String> redriven = done.computeIfAbsent(letter.sourceTopic(),
                                source -> Redrives.done(scanner, source, Redrives.oldest(letters)));
                        Map<String, @Nullable Object> row = Rows.row();
                        row.put("dead-letter", letter.id());
                        row.put("to", letter.sourceTopic());
                        if (redriven.contains(letter.id())) {
                            row.put("action", "skipped: already redriven");
                        } else if (dryRun) {
                            row.put("action", "would redrive");
                        } else {
                            RecordMetadata written = send(producer, letter);
                            redriven.add(letter.id());
                            row.put("action", "redriven to " + written.topic() + "-" + written.partition() + "@" + written.offset());
                        }
                        rows.add(row);
                    }
                }
            }
            rows.flush();
            return ExitCodes.OK;
        }

        private KafkaProducer<String, byte[]> producer() {
            return new KafkaProducer<>(kafka.producer(), new StringSerializer(), new ByteArraySerializer());
        }

        private RecordMetadata send(KafkaProducer<String, byte[]> producer, DeadLetter letter) {
            var source = letter.record();
            var headers = new RecordHeaders();
            for (Header header : source.headers()) {
                if (!header.key().startsWith("dlt-")) {
                    headers.add(header);
                }
            }
            headers.add(Redrives.FROM, letter.id().getBytes(StandardCharsets.UTF_8));
            headers.add(Redrives.AT, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
            Integer partition = partitionOf(letter);
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(letter.sourceTopic(), partition,
                    source.timestamp(), source.key(), source.value(), headers));
            try {
                return sent.get(kafka.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfrastructureException("interrupted while redriving " + letter.id(), e);
            } catch (ExecutionException | TimeoutException e) {
                throw new InfrastructureException("redriving " + letter.id() + " failed: " + e.getMessage(), e);
            }
        }

        /** A keyless record goes back to the partition it came from; a keyed one where its key puts it. */
        private static @Nullable Integer partitionOf(DeadLetter letter) {
            String partition = letter.header(DeadLetterHeaders.PARTITION);
            if (letter.record().key() != null || partition == null) {
                return null;
            }
            try {
                return Integer.valueOf(partition);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
