package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * System calls of a process's threads over a window, by thread group and kind, counted by the kernel's tracepoints
 * ({@code perf stat --per-thread -e raw_syscalls:sys_enter,syscalls:sys_enter_futex,...}). Counting, not tracing:
 * the kernel only increments counters, so the processes measured run as they would without it, and the counts do not
 * depend on how fast the machine happens to be, which CPU time on a shared VM does (section 10 of BENCHMARKS.md: the
 * same code spread 8.5-11.9 ms per message within an hour). Kernel I/O and wake-ups are two thirds of the services'
 * CPU (round 11's profile), and each one is a system call here.
 *
 * <p>Needs {@code perf} with access to tracepoints ({@link #available()}); without it the benchmark says so and
 * leaves the table out. A thread born inside the window is not counted (perf attaches to the threads that exist when
 * it starts).
 */
public final class SyscallCounts {

    /** The kinds counted, each a tracepoint; {@code total} is every system call. */
    public enum Kind {
        TOTAL("raw_syscalls:sys_enter"),
        FUTEX("syscalls:sys_enter_futex"),
        EPOLL_WAIT("syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait", "syscalls:sys_enter_epoll_pwait2"),
        READ("syscalls:sys_enter_read", "syscalls:sys_enter_readv", "syscalls:sys_enter_recvfrom",
                "syscalls:sys_enter_recvmsg"),
        WRITE("syscalls:sys_enter_write", "syscalls:sys_enter_writev", "syscalls:sys_enter_sendto",
                "syscalls:sys_enter_sendmsg");

        private final List<String> events;

        Kind(String... events) {
            this.events = List.of(events);
        }

        static Kind of(String event) {
            for (Kind kind : values()) {
                if (kind.events.contains(event)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("not counted: " + event);
        }
    }

    /** Counts of one thread group: by kind, and how many threads. */
    public record Counts(Map<Kind, Long> byKind, int threads) {

        public long get(Kind kind) {
            return byKind.getOrDefault(kind, 0L);
        }

        /** System calls that are none of the named kinds (clock reads, mmap, sched_yield, ...). */
        public long other() {
            long named = 0;
            for (Kind kind : Kind.values()) {
                if (kind != Kind.TOTAL) {
                    named += get(kind);
                }
            }
            return Math.max(0, get(Kind.TOTAL) - named);
        }
    }

    private SyscallCounts() {
    }

    /** Whether {@code perf stat} can count system call tracepoints here (it exists, and the kernel lets it). */
    public static boolean available() {
        try {
            Process probe = new ProcessBuilder("perf", "stat", "-x,", "-e", Kind.TOTAL.events.get(0), "--", "true")
                    .redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0 && out.matches("(?s)\\s*\\d+,.*");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One perf per process, counting for {@code window} from now; {@link Running#await()} reads them. */
    public static Running start(Map<String, Long> pids, Duration window, Path dir) {
        try {
            Files.createDirectories(dir);
            var running = new LinkedHashMap<String, Process>();
            var files = new LinkedHashMap<String, Path>();
            for (var entry : pids.entrySet()) {
                Path out = dir.resolve("syscalls-" + entry.getValue() + ".csv");
                var command = new ArrayList<>(List.of("perf", "stat", "-x,", "--per-thread", "-o", out.toString(), "-e",
                        String.join(",", events()), "-p", Long.toString(entry.getValue()), "--", "sleep",
                        Double.toString(window.toMillis() / 1000.0)));
                running.put(entry.getKey(), new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("perf-" + entry.getValue() + ".log").toFile()).start());
                files.put(entry.getKey(), out);
            }
            return new Running(running, files);
        } catch (IOException e) {
            throw new UncheckedIOException("perf stat did not start", e);
        }
    }

    /** The perf processes of one window. */
    public record Running(Map<String, Process> processes, Map<String, Path> files) {

        /** By process, by thread group ({@link ThreadStats}' grouping), the counts of the window. */
        public Map<String, Map<String, Counts>> await() throws InterruptedException {
            var result = new LinkedHashMap<String, Map<String, Counts>>();
            for (var entry : processes.entrySet()) {
                if (!entry.getValue().waitFor(2, TimeUnit.MINUTES)) {
                    entry.getValue().destroyForcibly();
                    continue;
                }
                try {
                    result.put(entry.getKey(), parse(Files.readAllLines(files.get(entry.getKey()), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    // perf wrote nothing (the process ended, or perf was refused): no row for it
                }
            }
            return result;
        }
    }

    /** The kinds' tracepoints this kernel has (epoll_pwait2 is Linux 5.11+): perf refuses a list with an unknown one. */
    private static List<String> events() {
        Set<String> known = tracepoints();
        var events = new ArrayList<String>();
        for (Kind kind : Kind.values()) {
            kind.events.stream().filter(known::contains).forEach(events::add);
        }
        return events;
    }

    private static Set<String> tracepoints() {
        try {
            Process list = new ProcessBuilder("perf", "list", "tracepoint").redirectErrorStream(true).start();
            var known = new HashSet<String>();
            for (String line : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                String name = line.strip().split("\\s+")[0];
                if (name.startsWith("syscalls:") || name.startsWith("raw_syscalls:")) {
                    known.add(name);
                }
            }
            list.waitFor(20, TimeUnit.SECONDS);
            return known;
        } catch (IOException e) {
            throw new UncheckedIOException("perf list failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    /**
     * perf's {@code -x,} lines with {@code --per-thread}: {@code <comm>-<tid>,<count>,<unit>,<event>,...}; a thread
     * that made no call of an event says {@code <not counted>}.
     */
    static Map<String, Counts> parse(List<String> lines) {
        var byThread = new LinkedHashMap<String, Map<Kind, Long>>();
        var groupOf = new LinkedHashMap<String, String>();
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields.length < 4 || line.startsWith("#") || fields[0].lastIndexOf('-') < 0) {
                continue;
            }
            String thread = fields[0];
            String comm = thread.substring(0, thread.lastIndexOf('-'));
            long count;
            try {
                count = Long.parseLong(fields[1].trim());
            } catch (NumberFormatException e) {
                count = 0; // <not counted>, <not supported>
            }
            Kind kind;
            try {
                kind = Kind.of(fields[3].trim());
            } catch (IllegalArgumentException e) {
                continue;
            }
            groupOf.put(thread, ThreadStats.group(comm));
            byThread.computeIfAbsent(thread, key -> new LinkedHashMap<>()).merge(kind, count, Long::sum);
        }
        var groups = new LinkedHashMap<String, Counts>();
        byThread.forEach((thread, counts) -> groups.merge(groupOf.get(thread), new Counts(counts, 1), SyscallCounts::plus));
        return groups;
    }

    public static Counts plus(Counts a, Counts b) {
        var sum = new LinkedHashMap<>(a.byKind());
        b.byKind().forEach((kind, count) -> sum.merge(kind, count, Long::sum));
        return new Counts(sum, a.threads() + b.threads());
    }

    /** Every group of a process together. */
    public static Counts total(Map<String, Counts> groups) {
        return groups.values().stream().reduce(new Counts(Map.of(), 0), SyscallCounts::plus);
    }
}
