package io.wecomrelay.cli.replay;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import io.wecomrelay.cli.command.KafkaCommand;
import io.wecomrelay.cli.kafka.DurationConverter;
import io.wecomrelay.cli.kafka.Progress;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TimeRangeOptions;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryException;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.topic.Topics;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code relay replay}: the processor's decisions over a range, made again in isolation and compared. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Runs the processor's decision logic (its own topology: dedup, bot rules, entitlements, message "
                + "types, rate limit) over a range of wecom.inbound in isolation - Kafka Streams' test driver, a "
                + "temporary state directory, no write to any topic, nothing of the running processor touched - and "
                + "compares each decision with the recorded one on wecom.accepted / wecom.rejected.",
                "Give every version of the bots file the range may have been decided under (--bots, oldest first): "
                        + "each record is replayed with the version whose policy version its recorded decision names; "
                        + "the entitlement table is replayed in record time.",
                "Exit code 0 when every decision is identical, 1 with each difference (both decisions) otherwise."})
public final class ReplayCommand extends KafkaCommand {

    @Mixin
    TimeRangeOptions range;

    @Option(names = "--bot", paramLabel = "BOT", description = "Only this bot's records.")
    @Nullable String bot;

    @Option(names = "--bots", required = true, paramLabel = "FILE",
            description = "A version of the bots file; repeat for every version in force during the range, the current one last.")
    List<Path> botsFiles = new ArrayList<>();

    @Option(names = "--dedup-retention", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "The processor's relay.processor.dedup-retention (default: ${DEFAULT-VALUE}).")
    Duration dedupRetention;

    @Option(names = "--warm-up", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Records before --from replayed unchecked so that dedup and the rate limit start where the "
                    + "processor stood (default: the dedup retention).")
    @Nullable Duration warmUp;

    @Option(names = "--entitlements", description = "The processor's relay.processor.entitlements.enabled was true.")
    boolean entitlements;

    @Option(names = "--entitlement-bots", split = ",", paramLabel = "BOT",
            description = "The processor's relay.processor.entitlements.bots (empty: every bot).")
    List<String> entitlementBots = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Inbound partitions replayed (and decision partitions read) at once, each on its own "
                    + "isolated topology (default: the machine's processors).")
    @Nullable Integer threads;

    private final Clock clock;

    ReplayCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        TimeRange window = range.resolve(clock, null);
        List<BotRegistry> versions = new ArrayList<>();
        var loader = new BotRegistryLoader(System::getenv);
        for (Path file : botsFiles) {
            try {
                versions.add(loader.load(file));
            } catch (BotRegistryException e) {
                err().println("relay replay: " + file + ": " + e.getMessage());
                return ExitCodes.DIFFERENCES;
            }
        }
        if (threads != null && threads < 1) {
            throw usage("--threads must be at least 1");
        }
        Progress progress = progress();
        var settings = new Replayer.Settings(window, warmUp == null ? dedupRetention : warmUp, bot, dedupRetention,
                new EntitlementPolicy(entitlements, new HashSet<>(entitlementBots)),
                Topics.INBOUND.name(), Topics.ACCEPTED.name(),
                Topics.REJECTED.name(), Topics.ENTITLEMENTS.name(),
                threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        Replayer.Result result = new Replayer(kafka, progress).run(settings, new RecordTimeBots(versions));
        Rows rows = rows();
        result.differences().forEach(difference -> rows.add(difference.row()));
        rows.flush();
        progress.say("replayed " + result.compared() + " decisions in " + window.from() + " .. " + window.to() + ": "
                + result.differences().size() + " differences"
                + (result.deadLettered() > 0 ? ", " + result.deadLettered() + " records unreadable (dead-lettered)" : ""));
        return result.differences().isEmpty() ? ExitCodes.OK : ExitCodes.DIFFERENCES;
    }
}
