package io.wecomrelay.benchmarks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.benchmarks.suites.ConnectorBench;
import io.wecomrelay.benchmarks.suites.CliReplayBench;
import io.wecomrelay.benchmarks.suites.ConversationBench;
import io.wecomrelay.benchmarks.suites.CpuBench;
import io.wecomrelay.benchmarks.suites.IngressBench;
import io.wecomrelay.benchmarks.suites.PipelineBench;
import io.wecomrelay.benchmarks.suites.RefreshBench;
import io.wecomrelay.benchmarks.suites.ReplayBench;
import io.wecomrelay.benchmarks.suites.WorkerBench;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load benchmarks, run by {@code bench/run.sh} (which also runs the JMH codec benchmark):
 * {@code Bench --root DIR --results DIR name...} with names ingress, refresh, pipeline, worker,
 * replay, connector, cli-conversation, cli-replay, cpu. Each benchmark starts its own broker, Redis and services, warms up, measures, prints its
 * table and writes it to {@code results/<name>.txt}.
 */
public final class Bench {

    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);

    /** Context of one run. */
    public record Context(Path root, Path results, boolean quick, PrintStream out) {

        /** {@code full}, or a fifth of it (at least a second) in a quick smoke run. */
        public Duration time(Duration full) {
            return quick ? Duration.ofMillis(Math.max(1000, full.toMillis() / 5)) : full;
        }

        public int count(int full) {
            return quick ? Math.max(1, full / 10) : full;
        }

        public void log(String line) {
            out.println("   " + java.time.LocalTime.now().withNano(0) + " " + line);
        }
    }

    /** One benchmark. */
    public interface Suite {
        String name();

        Table run(Context context) throws Exception;
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Path root = Path.of(".");
        Path results = Path.of("bench/results");
        var names = new ArrayList<String>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                default -> names.add(args[i]);
            }
        }
        var context = new Context(root.toAbsolutePath().normalize(), results.toAbsolutePath().normalize(),
                "1".equals(System.getenv("BENCH_QUICK")), out);
        List<Suite> suites = List.of(new IngressBench(), new RefreshBench(), new PipelineBench(), new WorkerBench(),
                new ReplayBench(), new ConnectorBench(), new ConversationBench(), new CliReplayBench(), new CpuBench());
        int failures = 0;
        for (String name : names) {
            Suite suite = suites.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown benchmark " + name));
            out.println("\n== " + name);
            long started = System.nanoTime();
            try {
                Table table = suite.run(context);
                if (!io.wecomrelay.benchmarks.infra.BenchStack.extraEnv().isEmpty()) {
                    table.note("settings for every service in this run (BENCH_SERVICE_ENV): "
                            + io.wecomrelay.benchmarks.infra.BenchStack.extraEnv());
                }
                table.note("(" + name + " took " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s)");
                out.print(table);
                Files.writeString(context.results().resolve(name + ".txt"), table.toString(), StandardCharsets.UTF_8);
            } catch (Exception | Error e) {
                failures++;
                out.println("   " + name + " FAILED: " + e + " (stack trace in the log)");
                LOG.error("benchmark {} failed", name, e);
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
