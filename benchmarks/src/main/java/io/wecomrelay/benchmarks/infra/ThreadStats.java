package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time and context switches of a process's threads by thread group, from {@code /proc/<pid>/task/<tid>/stat} and
 * {@code status}: a group is the thread name ({@code comm}) without its trailing number ({@code reactor-http-epoll-3}
 * and {@code -4} are one group). Voluntary switches are the thread giving up the CPU to wait, so each is roughly one
 * wake-up later; involuntary ones are preemptions. Linux only.
 */
public final class ThreadStats {

    private static final Pattern TRAILING_NUMBER = Pattern.compile("([-_ #]*\\d+)+$");
    private static final double MS_PER_TICK = ProcessCpu.msPerTick();

    private ThreadStats() {
    }

    /** One thread at one moment. */
    public record Sample(String group, double cpuMs, long voluntary, long involuntary) {
    }

    /** What a group of threads did between two snapshots. */
    public record Use(double cpuMs, long voluntary, long involuntary, int threads) {

        public static final Use NONE = new Use(0, 0, 0, 0);

        public Use plus(Use other) {
            return new Use(cpuMs + other.cpuMs, voluntary + other.voluntary, involuntary + other.involuntary,
                    threads + other.threads);
        }
    }

    /** Every live thread of {@code pid} by thread id. */
    public static Map<String, Sample> snapshot(long pid) {
        return snapshot(Path.of("/proc/" + pid + "/task"));
    }

    /** Every thread under {@code taskDir} (a {@code /proc/<pid>/task}: a directory per thread id) by thread id. */
    static Map<String, Sample> snapshot(Path taskDir) {
        var samples = new HashMap<String, Sample>();
        try (var tasks = Files.list(taskDir)) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    long ticks = ProcessCpu.ticks(task.resolve("stat"));
                    long voluntary = 0;
                    long involuntary = 0;
                    for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.UTF_8)) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    samples.put(task.getFileName().toString(), new Sample(group(comm), ticks * MS_PER_TICK, voluntary, involuntary));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we read it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no threads in " + taskDir, e);
        }
        return samples;
    }

    /**
     * By group, what the threads did from {@code start} to {@code end}: a thread born in between counts whole (its life
     * is inside the window), one that ended in between is missing (its last counts went with it).
     */
    public static Map<String, Use> between(Map<String, Sample> start, Map<String, Sample> end) {
        var groups = new LinkedHashMap<String, Use>();
        end.forEach((tid, later) -> {
            Sample before = start.get(tid);
            double cpu = later.cpuMs() - (before == null ? 0 : before.cpuMs());
            long vol = later.voluntary() - (before == null ? 0 : before.voluntary());
            long invol = later.involuntary() - (before == null ? 0 : before.involuntary());
            groups.merge(later.group(), new Use(cpu, vol, invol, 1), Use::plus);
        });
        return groups;
    }

    /**
     * CPU milliseconds so far of the threads of {@code kind} in {@code snapshot} (by their group: the kinds' names
     * carry no trailing number that matters). A thread that ended took its time with it, so {@link ProcessCpu.Kind#OTHER}
     * is best taken as the process's total less JIT and GC, whose threads live as long as the JVM.
     */
    public static double millis(Map<String, Sample> snapshot, ProcessCpu.Kind kind) {
        double millis = 0;
        for (Sample sample : snapshot.values()) {
            if (ProcessCpu.Kind.of(sample.group()) == kind) {
                millis += sample.cpuMs();
            }
        }
        return millis;
    }

    static String group(String comm) {
        String group = TRAILING_NUMBER.matcher(comm).replaceAll("");
        return group.isEmpty() ? comm : group;
    }
}
