package io.wecomrelay.benchmarks.floor;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a floor hop runs: {@code MODE --kafka=host:port [--redis=url] [--in=topic] --out=topic [--state-dir=dir]}.
 * relay needs Redis and an input topic, eos an input topic and a state directory, http neither (its input is HTTP).
 */
public record FloorArgs(Mode mode, String kafka, String redis, String in, String out, String stateDir) {

    /** The shapes of hop. */
    public enum Mode {
        /** consume, one Redis EVALSHA, produce; offsets committed every second: llm-worker's and responder's shape */
        RELAY,
        /** a Kafka Streams app, exactly-once, one state-store update per record: the processor's shape */
        EOS,
        /** an HTTP server that answers a POST once its body is produced to Kafka: ingress's shape */
        HTTP;

        /** The mode's name as an argument and in tables. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The arguments a harness passes for {@code mode} (the inverse of {@link #parse}). */
    public List<String> toArgs() {
        var args = new java.util.ArrayList<>(List.of(mode.label(), "--kafka=" + kafka, "--out=" + out));
        if (!redis.isEmpty()) {
            args.add("--redis=" + redis);
        }
        if (!in.isEmpty()) {
            args.add("--in=" + in);
        }
        if (!stateDir.isEmpty()) {
            args.add("--state-dir=" + stateDir);
        }
        return args;
    }

    /** Parses the command line; throws {@link IllegalArgumentException} naming what is wrong or missing. */
    public static FloorArgs parse(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: relay|eos|http --kafka=host:port --out=topic [--in=topic] "
                    + "[--redis=url] [--state-dir=dir]");
        }
        Mode mode = switch (args[0]) {
            case "relay" -> Mode.RELAY;
            case "eos" -> Mode.EOS;
            case "http" -> Mode.HTTP;
            default -> throw new IllegalArgumentException("unknown mode '" + args[0] + "'; known: relay, eos, http");
        };
        var options = new HashMap<String, String>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("not --name=value: '" + arg + "'");
            }
            String name = arg.substring(2, eq);
            if (!List.of("kafka", "redis", "in", "out", "state-dir").contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            options.put(name, arg.substring(eq + 1));
        }
        var parsed = new FloorArgs(mode, required(options, "kafka"), options.getOrDefault("redis", ""),
                options.getOrDefault("in", ""), required(options, "out"), options.getOrDefault("state-dir", ""));
        if (mode == Mode.RELAY) {
            required(options, "redis");
        }
        if (mode != Mode.HTTP) {
            required(options, "in");
        }
        if (mode == Mode.EOS) {
            required(options, "state-dir");
        }
        return parsed;
    }

    /** The state directory (eos only). */
    public Path stateDirectory() {
        return Path.of(stateDir);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required here");
        }
        return value;
    }
}
