package io.wecomrelay.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;

/** Runs {@code relay} in this JVM against the shared broker, with a fixed clock. */
public final class Cli {

    public record Result(int code, String out, String err) {

        /** stdout as JSON lines (for {@code --format jsonl}). */
        public List<JsonNode> lines() {
            var lines = new ArrayList<JsonNode>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(EventSerde.mapper().readTree(line));
                }
            }
            return lines;
        }
    }

    private Cli() {
    }

    public static Result run(Clock clock, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = RelayCli.run(args, new PrintWriter(out), new PrintWriter(err), clock);
        return new Result(code, out.toString(), err.toString());
    }

    /** With {@code --bootstrap-servers} of the shared broker after the command words. */
    public static Result onBroker(Clock clock, int commandWords, String... args) {
        var all = new ArrayList<>(Arrays.asList(args).subList(0, commandWords));
        all.add("--bootstrap-servers");
        all.add(TestInfrastructure.kafkaBootstrapServers());
        all.add("--quiet");
        all.addAll(Arrays.asList(args).subList(commandWords, args.length));
        return run(clock, all.toArray(String[]::new));
    }

    public static Clock fixed(java.time.Instant at) {
        return Clock.fixed(at, ZoneOffset.UTC);
    }
}
