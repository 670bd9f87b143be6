package io.wecomrelay.cli.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.wecomrelay.cli.command.KafkaCommand;
import io.wecomrelay.cli.kafka.Bytes;
import io.wecomrelay.cli.kafka.DurationConverter;
import io.wecomrelay.cli.kafka.KafkaOptions;
import io.wecomrelay.cli.kafka.Progress;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TimeRangeOptions;
import io.wecomrelay.cli.kafka.TopicScanner;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.cli.trail.EventReader;
import io.wecomrelay.cli.trail.Located;
import io.wecomrelay.cli.trail.StreamLife;
import io.wecomrelay.cli.trail.StreamLife.Hop;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.topic.BotPartitions;
import io.wecomrelay.schemas.topic.Topics;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code relay conversation}: a bot's transcript from the topics alone. The messages are those received in the
 * range; their decisions, replies and deliveries are looked up to {@code --settle} after its end. Only the bot's
 * partition of {@code wecom.inbound} is read, and every topic only from the offsets of the range on.
 */
@Command(name = "conversation", mixinStandardHelpOptions = true,
        description = {"A transcript of one bot (optionally one user or one group chat) from the topics alone: every "
                + "message received in the range (type, text, sender, time), its decision, the final reply text with "
                + "its finish state or error (from wecom.replies, which outlives the chunks; folded from the chunks "
                + "for streams finished before it existed), and every delivery attempt, in order.",
                "Exit code 1 when the range holds no message of the bot."})
public final class ConversationCommand extends KafkaCommand {

    @Mixin
    TimeRangeOptions range;

    @Option(names = "--bot", required = true, paramLabel = "BOT", description = "The bot id (aibotid).")
    String bot;

    @ArgGroup(exclusive = true)
    @Nullable Party party;

    static final class Party {
        @Option(names = "--user", paramLabel = "USER", description = "Only messages from this WeCom user id.")
        @Nullable String user;

        @Option(names = "--chat", paramLabel = "CHAT", description = "Only messages in this group chat id.")
        @Nullable String chat;
    }

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "15m", converter = DurationConverter.class,
            description = "How long after the range replies and deliveries are looked for (default: ${DEFAULT-VALUE}).")
    Duration settle;

    private final Clock clock;

    ConversationCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        TimeRange window = range.resolve(clock, null);
        Map<String, StreamLife> lives = new Transcript(kafka, progress()).read(bot, user(), chat(), window, settle);
        if (lives.isEmpty()) {
            err().println("relay conversation: no message of bot " + bot + " in " + window.from() + " .. " + window.to());
            return ExitCodes.DIFFERENCES;
        }
        Rows rows = rows();
        boolean machine = forMachines();
        rows.heading("bot " + bot + ", " + window.from() + " .. " + window.to() + ", " + lives.size() + " messages");
        lives.values().stream().sorted(Comparator.comparing(StreamLife::startedAt)).forEach(life -> {
            for (Hop hop : life.hops(false)) {
                Map<String, @Nullable Object> row = Rows.row();
                row.put("time", hop.at().toString());
                row.put("stream", machine ? life.streamId() : life.streamId().substring(0, 8));
                row.put("hop", hop.hop());
                row.put("detail", hop.detail());
                if (machine) {
                    row.put("bot", bot);
                    hop.fields().forEach(row::putIfAbsent);
                }
                rows.add(row);
            }
        });
        rows.flush();
        return ExitCodes.OK;
    }

    private @Nullable String user() {
        return party == null ? null : party.user;
    }

    private @Nullable String chat() {
        return party == null ? null : party.chat;
    }

    /** Reads one bot's streams: receipts in the range, everything downstream of them until the range end plus settle. */
    public static final class Transcript {

        private final KafkaOptions kafka;
        private final Progress progress;

        public Transcript(KafkaOptions kafka, Progress progress) {
            this.kafka = kafka;
            this.progress = progress;
        }

        public Map<String, StreamLife> read(String bot, @Nullable String user, @Nullable String chat, TimeRange window,
                                            Duration settle) {
            var lives = new LinkedHashMap<String, StreamLife>();
            var reader = new EventReader(progress);
            byte[] botField = Bytes.jsonField("botId", bot);
            byte[] partyField = user != null ? Bytes.jsonField("userId", user) : chat != null ? Bytes.jsonField("chatId", chat) : null;
            try (var scanner = new TopicScanner(kafka, progress)) {
                int inboundPartitions = scanner.partitions(Topics.INBOUND.name());
                if (inboundPartitions == 0) {
                    return lives;
                }
                scanner.scan(Scan.of(Topics.INBOUND.name(), window)
                        .onPartitions(Set.of(BotPartitions.of(bot, inboundPartitions)))
                        .where(record -> Bytes.contains(record.value(), botField)
                                && (partyField == null || Bytes.contains(record.value(), partyField))),
                        record -> reader.read(record)
                                .filter(l -> l.event() instanceof MessageReceived received && received.botId().equals(bot)
                                        && matches(received.message(), user, chat))
                                .ifPresent(l -> lives.computeIfAbsent(l.event().streamId(), StreamLife::new).add(l)));
                if (lives.isEmpty()) {
                    return lives;
                }
                TimeRange later = window.extendedBy(settle);
                String conversationPrefix = bot + ":";
                scanDownstream(scanner, reader, lives, Scan.of(Topics.ACCEPTED.name(), later)
                        .where(record -> record.key() != null && record.key().startsWith(conversationPrefix)));
                for (String topic : new String[] {Topics.REJECTED.name(), Topics.CHUNKS.name(), Topics.REPLIES.name(),
                        Topics.DELIVERIES.name()}) {
                    scanDownstream(scanner, reader, lives, Scan.of(topic, later)
                            .where(record -> Bytes.contains(record.value(), botField)));
                }
                int outboundPartitions = scanner.partitions(Topics.OUTBOUND.name());
                if (outboundPartitions > 0) {
                    scanDownstream(scanner, reader, lives, Scan.of(Topics.OUTBOUND.name(), later)
                            .onPartitions(Set.of(BotPartitions.of(bot, outboundPartitions)))
                            .where(record -> bot.equals(record.key())));
                }
            }
            if (reader.unreadable() > 0) {
                progress.say(reader.unreadable() + " unreadable records skipped");
            }
            return lives;
        }

        private static void scanDownstream(TopicScanner scanner, EventReader reader, Map<String, StreamLife> lives, Scan scan) {
            scanner.scan(scan, record -> reader.read(record).ifPresent(located -> add(lives, located)));
        }

        private static void add(Map<String, StreamLife> lives, Located located) {
            StreamLife life = lives.get(located.event().streamId());
            if (life != null) {
                life.add(located);
            }
        }

        private static boolean matches(InboundMessage message, @Nullable String user, @Nullable String chat) {
            return (user == null || user.equals(message.userId())) && (chat == null || chat.equals(message.chatId()));
        }
    }
}
