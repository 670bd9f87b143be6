package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wecomrelay.cli.RelayCli;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@code relay} command two ways: in this JVM through {@link RelayCli#run} (the command classes, output
 * captured), and through {@code ./relay} in a fresh JVM, which is what a user waits for (JVM start included). The
 * fresh JVM gets the wrapper's options plus a GC log, from which the largest heap left after a collection is read; its peak resident set and CPU time are sampled every 50 ms while it runs (the last
 * 50 ms of CPU may be missed). {@code BENCH_JFR=1}: a JFR profile of the fresh JVM next to its output.
 */
public final class RelayRun {

    /**
     * One run: exit code, wall time, CPU time (of this whole JVM in process, of the child JVM otherwise: steadier than
     * wall time on a shared machine), what it printed; memory for a fresh JVM only (NaN in process).
     */
    public record Result(int code, double seconds, double cpuSeconds, String out, String err, double peakRssMiB,
                         double maxHeapAfterGcMiB) {
    }

    private static final Pattern AFTER_GC = Pattern.compile("->(\\d+)M\\(");
    /** Fresh JVMs still running, stopped if the harness is (Ctrl-C, a timeout). */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "stop-relay-runs"));
    }

    private RelayRun() {
    }

    public static Result inProcess(List<String> args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        int code = RelayCli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), Clock.systemUTC());
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
        return new Result(code, seconds, cpu, out.toString(), err.toString(), Double.NaN, Double.NaN);
    }

    /** {@code ./relay args...} as a user runs it (the wrapper's own JVM options), stdout and stderr to files in {@code logs}. */
    public static Result freshJvm(Path root, Path logs, String name, List<String> args) throws IOException, InterruptedException {
        return freshJvm(root, logs, name, args, "");
    }

    /**
     * {@code RELAY_JAVA_OPTS="javaOptions ..." ./relay args...}: the wrapper execs the JVM (same process), which gets
     * {@code javaOptions}, a GC log and, with {@code BENCH_JFR=1}, a JFR recording besides the wrapper's defaults.
     */
    public static Result freshJvm(Path root, Path logs, String name, List<String> args, String javaOptions)
            throws IOException, InterruptedException {
        return freshJvm(root, logs, name, args, javaOptions, null);
    }

    /** As {@link #freshJvm(Path, Path, String, List, String)}, with {@code otherJar} (an earlier build's exec jar) run
     * the way the wrapper runs its own, when not null: a before/after pair on the same data. */
    public static Result freshJvm(Path root, Path logs, String name, List<String> args, String javaOptions,
                                  @Nullable String otherJar) throws IOException, InterruptedException {
        Path jar = root.resolve("relay-cli/target/relay-cli-0.1.0-SNAPSHOT-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw -DskipTests package");
        }
        Files.createDirectories(logs);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Path gc = logs.resolve(name + ".gc.log");
        var options = new StringBuilder(javaOptions).append(" -Xlog:gc:file=").append(gc);
        if ("1".equals(System.getenv("BENCH_JFR"))) {
            options.append(" -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=").append(logs.resolve(name + ".jfr"));
        }
        var command = new ArrayList<String>();
        if (otherJar == null) {
            command.add(root.resolve("relay").toString());
        } else {
            command.addAll(List.of("java", "-XX:+UseParallelGC"));
            command.addAll(List.of(options.toString().strip().split("\\s+")));
            command.addAll(List.of("-jar", otherJar));
        }
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("RELAY_JAVA_OPTS", options.toString().strip());
        long started = System.nanoTime();
        Process process = builder.start();
        RUNNING.add(process);
        long peakKiB = 0;
        Duration cpu = Duration.ZERO;
        try {
            while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                peakKiB = Math.max(peakKiB, ChildProcess.statusKiB(process.pid(), "VmHWM:"));
                cpu = process.info().totalCpuDuration().orElse(cpu);
            }
        } finally {
            RUNNING.remove(process);
            process.destroyForcibly();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(process.exitValue(), seconds, cpu.toMillis() / 1e3, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), peakKiB / 1024.0, maxAfterGc(gc));
    }

    private static double maxAfterGc(Path gcLog) throws IOException {
        long max = 0;
        if (Files.exists(gcLog)) {
            Matcher matcher = AFTER_GC.matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
            while (matcher.find()) {
                max = Math.max(max, Long.parseLong(matcher.group(1)));
            }
        }
        return max;
    }
}
