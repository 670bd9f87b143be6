package io.wecomrelay.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.time.Clock;

import io.wecomrelay.cli.bots.BotsCommand;
import io.wecomrelay.cli.conversation.ConversationCommand;
import io.wecomrelay.cli.dlt.DltCommand;
import io.wecomrelay.cli.entitlements.EntitlementsCommand;
import io.wecomrelay.cli.kafka.InfrastructureException;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.message.MessageCommand;
import io.wecomrelay.cli.replay.ReplayCommand;
import io.wecomrelay.cli.topics.TopicsCommand;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code relay}: the command-line tool of auditors and operators over the wecom-relay topics. Results go to stdout,
 * progress and errors to stderr; the exit code says what happened ({@link ExitCodes}).
 */
@Command(name = "relay", mixinStandardHelpOptions = true, versionProvider = RelayCli.Version.class,
        description = "Reads the wecom-relay topics for auditors and operators: transcripts, one message's life, "
                + "decision replay, dead letters, topics, the bots file and entitlements.",
        subcommands = {MessageCommand.class, ConversationCommand.class, DltCommand.class, TopicsCommand.class,
                BotsCommand.class, ReplayCommand.class, EntitlementsCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done; no difference", "1:differences, an invalid file, or nothing found",
                "2:usage error", "3:Kafka unreachable or refusing, or a topic missing"})
public final class RelayCli {

    private RelayCli() {
    }

    public static void main(String[] args) {
        var out = new PrintWriter(System.out, true);
        var err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err, Clock.systemUTC()));
    }

    /** Runs one command line; what {@code main} does, without exiting. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock) {
        var commandLine = new CommandLine(new RelayCli(), new ClockFactory(clock));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> failed(e, line, err));
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int failed(Exception e, CommandLine line, PrintWriter err) {
        if (e instanceof ParameterException usage) {
            err.println("relay: " + usage.getMessage());
            usage.getCommandLine().usage(err);
            return ExitCodes.USAGE;
        }
        if (e instanceof InfrastructureException || e instanceof KafkaException) {
            err.println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return ExitCodes.INFRASTRUCTURE;
        }
        err.println(line.getCommandSpec().qualifiedName() + " failed: " + e.getClass().getName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        return ExitCodes.INFRASTRUCTURE;
    }

    /** Commands that keep time get the clock through their constructor; everything else picocli makes. */
    private record ClockFactory(Clock clock) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> withClock = type.getDeclaredConstructor(Clock.class);
                withClock.setAccessible(true);
                return withClock.newInstance(clock);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RelayCli.class.getPackage().getImplementationVersion();
            return new String[] {"relay " + (version == null ? "(development build)" : version)};
        }
    }
}
