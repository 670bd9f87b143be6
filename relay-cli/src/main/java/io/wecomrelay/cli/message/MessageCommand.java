package io.wecomrelay.cli.message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wecomrelay.cli.command.KafkaCommand;
import io.wecomrelay.cli.kafka.Bytes;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TimeRangeOptions;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.cli.trail.EventReader;
import io.wecomrelay.cli.trail.StreamLife;
import io.wecomrelay.cli.trail.StreamLife.Hop;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.topic.BotPartitions;
import io.wecomrelay.schemas.topic.Topics;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code relay message}: the whole life of one message across every topic, with the time of each hop. */
@Command(name = "message", mixinStandardHelpOptions = true,
        description = {"The life of one message: its receipt(s), the decision, every reply chunk, the final reply "
                + "(what WeCom was shown or sent and how the stream finished, from wecom.replies, which outlives the "
                + "chunks), each delivery attempt and the connector notices, with the time since the receipt and since "
                + "the previous hop.", "Exit code 1 when no topic has a record of it."})
public final class MessageCommand extends KafkaCommand {

    /** Hops are read from this long before the receipt: the writers' clocks are not the broker's. */
    private static final Duration SKEW = Duration.ofMinutes(1);

    @Mixin
    TimeRangeOptions range;

    @Option(names = "--bot", paramLabel = "BOT", description = "The bot id (aibotid). Required with --msgid.")
    @Nullable String bot;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--msgid", paramLabel = "MSGID", required = true, description = "WeCom's msgid.")
        @Nullable String msgId;

        @Option(names = "--stream", paramLabel = "STREAM", required = true, description = "The stream id (22 characters).")
        @Nullable String streamId;
    }

    private final Clock clock;

    MessageCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        String streamId = streamId();
        TimeRange window = range.resolve(clock, TimeRange.ALL);
        var life = new StreamLife(streamId);
        var reader = new EventReader(progress());
        byte[] needle = Bytes.jsonField("streamId", streamId);
        try (var scanner = scanner()) {
            Set<Integer> inboundPartitions = bot == null ? null : Set.of(BotPartitions.of(bot, Math.max(1, scanner.partitions(Topics.INBOUND.name()))));
            scanner.scan(Scan.of(Topics.INBOUND.name(), window).onPartitions(inboundPartitions)
                    .where(record -> Bytes.contains(record.value(), needle)), record -> reader.read(record).ifPresent(life::add));
            MessageReceived receipt = life.firstReceipt();
            TimeRange later = receipt == null ? window
                    : new TimeRange(receipt.meta().occurredAt().minus(SKEW), TimeRange.ALL.to());
            for (String topic : List.of(Topics.ACCEPTED.name(), Topics.REJECTED.name(), Topics.CHUNKS.name(),
                    Topics.REPLIES.name(), Topics.DELIVERIES.name(), Topics.OUTBOUND.name())) {
                scanner.scan(Scan.of(topic, later).where(record -> Bytes.contains(record.value(), needle)),
                        record -> reader.read(record).filter(l -> l.event().streamId().equals(streamId)).ifPresent(life::add));
            }
        }
        if (life.isEmpty()) {
            err().println("relay message: no topic has a record of stream " + streamId);
            return ExitCodes.DIFFERENCES;
        }
        print(life, rows(), forMachines());
        return ExitCodes.OK;
    }

    private String streamId() {
        if (target.msgId != null) {
            if (bot == null) {
                throw usage("--msgid needs --bot (the stream id is derived from both)");
            }
            return StreamIds.of(bot, target.msgId);
        }
        String streamId = target.streamId;
        if (streamId == null || !StreamIds.isWellFormed(streamId)) {
            throw usage("--stream must be a stream id of " + StreamIds.LENGTH + " characters");
        }
        return streamId;
    }

    private static void print(StreamLife life, Rows rows, boolean machine) {
        List<Hop> hops = life.hops(true);
        rows.heading("stream " + life.streamId());
        Instant start = hops.get(0).at();
        Instant previous = start;
        for (Hop hop : hops) {
            Map<String, @Nullable Object> row = Rows.row();
            row.put("time", hop.at().toString());
            row.put("since-receipt", millis(Duration.between(start, hop.at())));
            row.put("since-previous", millis(Duration.between(previous, hop.at())));
            row.put("hop", hop.hop());
            row.put("where", hop.where());
            if (!machine) {
                // the policy version each writer applied; jsonl has it as policyVersion (null when unknown)
                Object policy = hop.fields().get("policyVersion");
                row.put("policy", policy == null ? "-" : policy);
            }
            row.put("detail", hop.detail());
            if (machine) {
                row.put("stream", life.streamId());
                hop.fields().forEach(row::putIfAbsent);
            }
            rows.add(row);
            previous = hop.at();
        }
        rows.flush();
    }

    private static String millis(Duration duration) {
        return "+" + duration.toMillis() + " ms";
    }
}
