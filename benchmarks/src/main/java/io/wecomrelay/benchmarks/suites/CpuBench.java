package io.wecomrelay.benchmarks.suites;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import io.lettuce.core.RedisClient;
import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.ProcessCpu;
import io.wecomrelay.benchmarks.infra.SyscallCounts;
import io.wecomrelay.benchmarks.infra.ThreadStats;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.OpenLoad;
import io.wecomrelay.benchmarks.load.SignedCallbacks;
import io.wecomrelay.benchmarks.load.SignedRequest;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.RecordedFrame;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.jspecify.annotations.Nullable;

/**
 * CPU time per message (issue 22): the whole pipeline (ingress, processor, llm-worker, responder, the
 * Dify simulator answering with {@value #DELTAS} deltas) at {@link #RATES} messages/s, open model. Each
 * process's CPU time ({@code /proc/<pid>/stat} utime + stime, {@link ProcessCpu}) is read at the start
 * and the end of each measured phase, and divided by the messages answered in that window (Dify's
 * {@code message_end} frames sent in it: the same as the callbacks sent while the stack keeps up, fewer
 * when it does not). The Kafka broker and redis-server are read too. The baseline is the idle burn of
 * the same processes in an idle phase of the same run (after the warm-up, nothing sent).
 *
 * <p>After the rate phases a <em>steady</em> phase at {@link #TARGET_RATE}/s ({@code BENCH_CPU_STEADY} seconds of
 * unmeasured traffic, default {@value #STEADY_WARM_S}, then {@value #STEADY_MEASURE_S} s measured) on the same JVMs:
 * until C2 has compiled what the traffic reaches, each phase's figure is partly the JIT compiler and C1's profiled
 * code (issue 22 saw 13.8 ms in the first 100/s phase and 8.7 ms two minutes later). The target verdict is the
 * steady phase's.
 *
 * <p>Then, unless {@code BENCH_CPU_FLOOR=0}, a <em>floor</em> phase ({@link FloorPhase}): minimal hops of each
 * service's shape in JVMs of their own, on the same broker and Redis, and each service's steady figures as multiples
 * of its shape's floor ({@link FloorRatios}), which the shared machine's speed moves less than the figures.
 */
public final class CpuBench implements Bench.Suite {

    static final double[] RATES = {20, 100, 300};
    static final int BOTS = 500;
    static final int DELTAS = 5;
    static final Duration CADENCE = Duration.ofMillis(200);
    static final List<String> SERVICES = List.of("ingress", "processor", "llm-worker", "responder");
    static final double TARGET_ALL_MS = 2.0;
    static final double TARGET_EACH_MS = 0.7;
    static final double TARGET_RATE = 100;
    static final int WARMUP_S = 60;
    static final int STEADY_WARM_S = 90;
    static final int STEADY_MEASURE_S = 30;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            var pipeline = Targets.startPipeline(stack, BOTS, DELTAS, CADENCE, 20_000);
            DifySimulator sim = pipeline.sim();
            List<BenchBots.Bot> bots = pipeline.bots();
            var services = pipeline.services();
            var pids = new LinkedHashMap<String, Long>();
            services.forEach(service -> pids.put(service.name(), service.process().pid()));
            pids.put("kafka broker", stack.broker().pid());
            pids.put("redis-server", redisPid(stack.redisUrl()));
            pids.put("harness (load + Dify sim)", ProcessHandle.current().pid());

            var signer = new SignedCallbacks(bots);
            String run = Long.toString(System.currentTimeMillis(), 36);
            var table = new Table("cpu: CPU time per answered message, per process (/proc/<pid>/stat utime+stime); "
                    + "Dify simulator with " + DELTAS + " deltas every " + CADENCE.toMillis() + " ms",
                    "rate", "process", "CPU ms / message", "of it JIT", "of it GC", "cores busy", "idle cores", "x idle",
                    "target", "");
            Steady steady = null;
            try (var client = new LoadClient(services.get(0).baseUrl(), 512)) {
                // a minute: the C2 compiler, one thread on two cores, is still busy with the services' hot code after 40 s
                Duration warm = context.time(Duration.ofSeconds(seconds("BENCH_CPU_WARMUP", WARMUP_S)));
                context.log("warm-up: 100 messages/s for " + warm.toSeconds() + " s (not recorded)");
                var warmPool = pool(signer, run, "w", (int) (100 * warm.toSeconds()));
                var warmOk = new AtomicLong();
                long chatsBefore = sim.chatRequestCount();
                OpenLoad.open(i -> count(Targets.send(client, warmPool, i), warmOk), 100, Duration.ZERO, warm);
                drain(context, sim, chatsBefore, warmOk.get());

                Duration idleTime = context.time(Duration.ofSeconds(15));
                context.log("idle: " + idleTime.toSeconds() + " s, nothing sent");
                var idleStart = snapshot(pids);
                Thread.sleep(idleTime.toMillis());
                var idle = idleStart.until(snapshot(pids));
                for (var entry : pids.keySet()) {
                    table.row("idle", entry, "-", "-", "-", idle.cores(entry), idle.cores(entry), "1.00x", "-", "");
                }
                table.row("idle", "all four services", "-", "-", "-", idle.cores(SERVICES), idle.cores(SERVICES), "1.00x", "-", "");

                int phase = 0;
                for (double rate : rates()) {
                    phase++;
                    phase(context, table, sim, client, signer, run, phase, rate, (int) rate + "/s", false,
                            context.time(Duration.ofSeconds(5)), context.time(Duration.ofSeconds(rate > 200 ? 15 : 20)), pids, idle);
                }
                int steadyWarm = seconds("BENCH_CPU_STEADY", STEADY_WARM_S);
                if (steadyWarm > 0) {
                    steady = phase(context, table, sim, client, signer, run, phase + 1, TARGET_RATE, (int) TARGET_RATE + "/s steady", true,
                            context.time(Duration.ofSeconds(steadyWarm)), context.time(Duration.ofSeconds(STEADY_MEASURE_S)), pids, idle);
                }
            }
            table.note("CPU ms / message = the process's CPU time over the measured window / messages answered in it "
                    + "(Dify message_end frames sent in the window). cores busy = CPU time / wall time; idle cores = the same "
                    + "process in the idle phase of this run; x idle = cores busy / idle cores. of it JIT / GC = the part of "
                    + "CPU ms / message spent by the JVM's C1/C2 compiler threads / its GC threads and VM thread "
                    + "(/proc/<pid>/task/*/stat by thread name): JIT still compiling the services' code is not per-message work.");
            table.note("targets (issue 22, at " + (int) TARGET_RATE + "/s): all four services together <= " + TARGET_ALL_MS
                    + " ms, each <= " + TARGET_EACH_MS + " ms. " + BOTS + " bots, one new user per message, no refresh polls; "
                    + "llm-worker max-in-flight 2048, all else defaults."
                    + (rates() == RATES ? "" : " Rates set by BENCH_CPU_RATES.")
                    + " Warm-up " + seconds("BENCH_CPU_WARMUP", WARMUP_S) + " s at 100/s; "
                    + (seconds("BENCH_CPU_STEADY", STEADY_WARM_S) > 0
                        ? "steady = after the rate phases, " + seconds("BENCH_CPU_STEADY", STEADY_WARM_S) + " s more at "
                            + (int) TARGET_RATE + "/s, then " + STEADY_MEASURE_S + " s measured; the target verdict is the steady phase's."
                        : "no steady phase (BENCH_CPU_STEADY=0): the verdicts are of phases the JIT may still be compiling."));
            Table result = steady == null ? table : table.and(steady.tables());
            if (!FloorPhase.enabled()) {
                table.note("No floor phase (BENCH_CPU_FLOOR=0).");
                return result;
            }
            table.note("Floor phase after the steady phase (services idle): cpu-floor and cpu-floor-ratios below.");
            FloorPhase.Result floor;
            try {
                floor = FloorPhase.run(context, stack, name());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // the services' figures above are still this run's: keep them
                context.log("floor phase failed: " + e);
                table.note("The floor phase failed (" + e + "); see the floor-*.log files of this benchmark.");
                return result;
            }
            result.and(floor.tables());
            if (steady != null) {
                result.and(new FloorRatios(steady.figures(), floor.figures())
                        .table((int) TARGET_RATE + "/s steady", TARGET_EACH_MS, TARGET_ALL_MS));
            }
            return result;
        }
    }

    /** The steady phase's breakdown tables, and its per-message figures by process (the floor ratios' numerators). */
    record Steady(Table tables, Map<String, FloorRatios.Figures> figures) {
    }

    /** Runs one phase into {@code table}; the steady phase also returns its breakdown and figures, the others null. */
    private @Nullable Steady phase(Bench.Context context, Table table, DifySimulator sim, LoadClient client, SignedCallbacks signer,
                       String run, int phase, double rate, String label, boolean steady, Duration warmup, Duration measure,
                       Map<String, Long> pids, Usage idle) throws Exception {
        int total = (int) (rate * (warmup.toSeconds() + measure.toSeconds()));
        var pool = pool(signer, run, "p" + phase, total);
        var ok = new AtomicLong();
        long chatsBefore = sim.chatRequestCount();
        context.log(label + ", " + (int) rate + " messages/s: " + warmup.toSeconds() + " s warm-up, then " + measure.toSeconds() + " s measured");
        // OpenLoad starts sending 20 ms after it is called; the window is its measured part
        var timer = Executors.newSingleThreadScheduledExecutor();
        OpenLoad.Result load;
        CompletableFuture<Snapshot> from = new CompletableFuture<>();
        CompletableFuture<Snapshot> to = new CompletableFuture<>();
        CompletableFuture<SyscallCounts.Running> syscalls = new CompletableFuture<>();
        boolean countSyscalls = steady && SyscallCounts.available();
        try {
            long startMs = 20 + warmup.toMillis();
            timer.schedule(() -> {
                from.complete(snapshot(pids, steady));
                if (countSyscalls) {
                    syscalls.complete(SyscallCounts.start(pids, measure, context.results().resolve("logs").resolve(name())));
                }
            }, startMs, TimeUnit.MILLISECONDS);
            timer.schedule(() -> to.complete(snapshot(pids, steady)), startMs + measure.toMillis(), TimeUnit.MILLISECONDS);
            load = OpenLoad.open(i -> count(Targets.send(client, pool, i), ok), rate, warmup, measure);
        } finally {
            timer.shutdown();
        }
        Snapshot start = from.get(1, TimeUnit.MINUTES);
        Snapshot end = to.get(1, TimeUnit.MINUTES);
        var usage = start.until(end);
        long answered = sim.sentFrames().stream().filter(frame -> frame.event().equals("message_end"))
                .map(RecordedFrame::sentAt).filter(at -> !at.isBefore(start.at()) && at.isBefore(end.at())).count();
        drain(context, sim, chatsBefore, ok.get());

        String r = label;
        var cpuMs = new LinkedHashMap<String, double[]>();
        // with a steady phase, only its figure is judged: the earlier ones include the JIT's warm-up
        boolean targeted = rate == TARGET_RATE && (steady || seconds("BENCH_CPU_STEADY", STEADY_WARM_S) <= 0);
        for (String process : pids.keySet()) {
            boolean service = SERVICES.contains(process);
            double perMessage = usage.millis(process) / Math.max(1, answered);
            cpuMs.put(process, new double[] {perMessage, usage.millis(process, ProcessCpu.Kind.JIT) / Math.max(1, answered)});
            table.row(r, process, perMessage, usage.millis(process, ProcessCpu.Kind.JIT) / Math.max(1, answered),
                    usage.millis(process, ProcessCpu.Kind.GC) / Math.max(1, answered), usage.cores(process), idle.cores(process),
                    Table.ratio(usage.cores(process) / idle.cores(process)),
                    targeted && service ? "<= " + TARGET_EACH_MS + " ms" : "-",
                    targeted && service ? Table.metOrMissed(perMessage <= TARGET_EACH_MS) : "");
        }
        double all = usage.millis(SERVICES) / Math.max(1, answered);
        table.row(r, "all four services", all, usage.millis(SERVICES, ProcessCpu.Kind.JIT) / Math.max(1, answered),
                usage.millis(SERVICES, ProcessCpu.Kind.GC) / Math.max(1, answered), usage.cores(SERVICES), idle.cores(SERVICES),
                Table.ratio(usage.cores(SERVICES) / idle.cores(SERVICES)),
                targeted ? "<= " + TARGET_ALL_MS + " ms" : "-", targeted ? Table.metOrMissed(all <= TARGET_ALL_MS) : "");
        table.note(r + ": " + answered + " messages answered in the " + Table.fmt(usage.seconds()) + " s window ("
                + Table.fmt(answered / usage.seconds()) + "/s); callbacks " + load.ok() + " accepted, " + load.failed()
                + " failed (measured part), ingress p50 " + Table.fmt(load.p50Ms()) + " ms, p99 " + Table.fmt(load.p99Ms()) + " ms.");
        if (!steady) {
            return null;
        }
        Table threads = threadTable(label, start, end, answered);
        if (!countSyscalls) {
            return new Steady(threads.note("No cpu-syscalls table: perf cannot count system call tracepoints on this machine."),
                    figures(cpuMs, Map.of(), answered));
        }
        var counted = syscalls.get(1, TimeUnit.MINUTES).await();
        return new Steady(threads.and(syscallTable(label, counted, process -> answered)), figures(cpuMs, counted, answered));
    }

    /** Each process's figures per message: {CPU ms, of it JIT} with its system calls (NaN if not counted). */
    private static Map<String, FloorRatios.Figures> figures(Map<String, double[]> cpuMs,
                                                            Map<String, Map<String, SyscallCounts.Counts>> syscalls, long answered) {
        var figures = new LinkedHashMap<String, FloorRatios.Figures>();
        cpuMs.forEach((process, ms) -> {
            var groups = syscalls.get(process);
            figures.put(process, new FloorRatios.Figures(ms[0], ms[1], groups == null ? Double.NaN
                    : SyscallCounts.total(groups).get(SyscallCounts.Kind.TOTAL) / (double) Math.max(1, answered)));
        });
        return figures;
    }

    /**
     * System calls per answered message by process and thread group ({@link SyscallCounts}): counts, so steadier than
     * CPU time on a shared machine. Groups below 3 % of their process's calls are summed in "other threads".
     */
    static Table syscallTable(String label, Map<String, Map<String, SyscallCounts.Counts>> counts,
                              ToLongFunction<String> messages) {
        var table = new Table("cpu-syscalls: " + label + ", system calls per answered message by thread group (perf stat "
                + "--per-thread, syscall tracepoints)", "process", "thread group", "threads", "syscalls / message",
                "futex", "epoll_wait", "read", "write", "other");
        counts.forEach((process, groups) -> {
            double n = Math.max(1, messages.applyAsLong(process));
            long all = SyscallCounts.total(groups).get(SyscallCounts.Kind.TOTAL);
            var other = new SyscallCounts.Counts(Map.of(), 0);
            var rows = groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().get(SyscallCounts.Kind.TOTAL),
                    a.getValue().get(SyscallCounts.Kind.TOTAL))).toList();
            for (var row : rows) {
                if (row.getValue().get(SyscallCounts.Kind.TOTAL) >= 0.03 * all) {
                    syscallRow(table, process, row.getKey(), row.getValue(), n);
                } else {
                    other = SyscallCounts.plus(other, row.getValue());
                }
            }
            syscallRow(table, process, "other threads", other, n);
            syscallRow(table, process, "all threads", SyscallCounts.total(groups), n);
        });
        table.note("read = read, readv, recvfrom, recvmsg; write = write, writev, sendto, sendmsg; epoll_wait with "
                + "epoll_pwait and epoll_pwait2. Threads born inside the window are not counted.");
        return table;
    }

    private static void syscallRow(Table table, String process, String group, SyscallCounts.Counts counts, double n) {
        table.row(process, group, counts.threads(), counts.get(SyscallCounts.Kind.TOTAL) / n,
                counts.get(SyscallCounts.Kind.FUTEX) / n, counts.get(SyscallCounts.Kind.EPOLL_WAIT) / n,
                counts.get(SyscallCounts.Kind.READ) / n, counts.get(SyscallCounts.Kind.WRITE) / n, counts.other() / n);
    }

    /**
     * Where each process's CPU went by thread group, and how often its threads waited (voluntary context switches,
     * about one wake-up each) or were preempted (involuntary), per answered message. Groups below 3 % of their
     * process's CPU and 0.3 waits per message are summed in "other threads".
     */
    private static Table threadTable(String label, Snapshot start, Snapshot end, long answered) {
        var table = new Table("cpu-threads: " + label + ", by thread group (/proc/<pid>/task/*/stat and status), per answered "
                + "message", "process", "thread group", "threads", "CPU ms / message", "share", "waits / message",
                "preempted / message");
        double n = Math.max(1, answered);
        start.threads().forEach((process, before) -> {
            var groups = ThreadStats.between(before, end.threads().get(process));
            double cpu = groups.values().stream().mapToDouble(ThreadStats.Use::cpuMs).sum();
            var other = ThreadStats.Use.NONE;
            var rows = groups.entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue().cpuMs(), a.getValue().cpuMs())).toList();
            for (var row : rows) {
                ThreadStats.Use use = row.getValue();
                if (use.cpuMs() >= 0.03 * cpu || use.voluntary() / n >= 0.3) {
                    table.row(process, row.getKey(), use.threads(), use.cpuMs() / n, Table.fmt(100 * use.cpuMs() / Math.max(1e-9, cpu)) + " %",
                            use.voluntary() / n, use.involuntary() / n);
                } else {
                    other = other.plus(use);
                }
            }
            table.row(process, "other threads", other.threads(), other.cpuMs() / n,
                    Table.fmt(100 * other.cpuMs() / Math.max(1e-9, cpu)) + " %", other.voluntary() / n, other.involuntary() / n);
            var all = groups.values().stream().reduce(ThreadStats.Use.NONE, ThreadStats.Use::plus);
            table.row(process, "all threads", all.threads(), cpu / n, "100 %", all.voluntary() / n, all.involuntary() / n);
        });
        table.note("A thread that ended inside the window is missing (its counts went with it); one born inside counts whole. "
                + "CPU here is the threads' own (utime + stime), so the sums can differ a little from the table above.");
        return table;
    }

    /** {@link #RATES}, or {@code BENCH_CPU_RATES="100,300"} ({@code none}: only the steady phase) while iterating (tables say so). */
    static double[] rates() {
        String override = System.getenv("BENCH_CPU_RATES");
        if (override == null || override.isBlank()) {
            return RATES;
        }
        if (override.trim().equals("none")) {
            return new double[0]; // the steady phase only
        }
        return java.util.Arrays.stream(override.split(",")).mapToDouble(rate -> Double.parseDouble(rate.trim())).toArray();
    }

    /** A duration in seconds from the environment ({@code BENCH_CPU_WARMUP}, {@code BENCH_CPU_STEADY}), or the default. */
    static int seconds(String variable, int fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    // signed as sent: a steady phase can run longer than ingress's 5-minute timestamp tolerance (BENCH_CPU_STEADY)
    private static List<SignedRequest> pool(SignedCallbacks signer, String run, String prefix, int count) {
        return signer.signedWhenSent(Math.max(1, count), i -> {
            String msgId = "cpu-" + run + "-" + prefix + "-" + i;
            return WecomMessages.text(signer.bot(i).id(), msgId, prefix + "u" + i, null, prefix + "q" + i + ": 你好，请简单回答一下。");
        });
    }

    private static reactor.core.publisher.Mono<Integer> count(reactor.core.publisher.Mono<Integer> send, AtomicLong ok) {
        return send.doOnNext(status -> {
            if (status == 200) {
                ok.incrementAndGet();
            }
        });
    }

    /**
     * Waits (at most two minutes) until Dify has received every accepted message and has no stream open,
     * then a few seconds for the responder's last folds: the next phase starts on an idle pipeline.
     */
    private static void drain(Bench.Context context, DifySimulator sim, long chatsBefore, long accepted) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(2);
        while ((sim.chatRequestCount() - chatsBefore < accepted || sim.openStreams() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(3000);
        context.log("drained in " + Table.fmt((System.nanoTime() - started) / 1e9) + " s ("
                + (sim.chatRequestCount() - chatsBefore) + " of " + accepted + " accepted messages reached Dify)");
    }

    private static long redisPid(String url) {
        RedisClient redis = RedisClient.create(url);
        try (var connection = redis.connect()) {
            String info = connection.sync().info("server");
            return info.lines().filter(line -> line.startsWith("process_id:"))
                    .mapToLong(line -> Long.parseLong(line.substring("process_id:".length()).trim())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("redis INFO server has no process_id"));
        } finally {
            redis.shutdown();
        }
    }

    private static Snapshot snapshot(Map<String, Long> pids) {
        return snapshot(pids, false);
    }

    /** With {@code threads}, also every process's threads (the steady phase's breakdown). */
    static Snapshot snapshot(Map<String, Long> pids, boolean threads) {
        var millis = new LinkedHashMap<String, double[]>();
        var perThread = new LinkedHashMap<String, Map<String, ThreadStats.Sample>>();
        long nanos = System.nanoTime();
        pids.forEach((name, pid) -> {
            double total = ProcessCpu.millis(pid);
            // one read of every thread's name and times gives the JIT and GC columns and, when asked, the breakdown
            var sampled = ThreadStats.snapshot(pid);
            millis.put(name, new double[] {total, ThreadStats.millis(sampled, ProcessCpu.Kind.JIT),
                    ThreadStats.millis(sampled, ProcessCpu.Kind.GC)});
            if (threads) {
                perThread.put(name, sampled);
            }
        });
        return new Snapshot(Instant.now(), nanos, millis, perThread);
    }

    /** CPU milliseconds of every process at one moment: {total, JIT threads, GC threads}; maybe its threads too. */
    record Snapshot(Instant at, long nanos, Map<String, double[]> millis, Map<String, Map<String, ThreadStats.Sample>> threads) {

        Usage until(Snapshot end) {
            var used = new LinkedHashMap<String, double[]>();
            millis.forEach((name, ms) -> {
                double[] later = end.millis.get(name);
                used.put(name, new double[] {later[0] - ms[0], later[1] - ms[1], later[2] - ms[2]});
            });
            return new Usage((end.nanos - nanos) / 1e9, used);
        }
    }

    /** CPU milliseconds each process used over {@code seconds} of wall time: {total, JIT threads, GC threads}. */
    record Usage(double seconds, Map<String, double[]> used) {

        double millis(String process) {
            return used.get(process)[0];
        }

        double millis(String process, ProcessCpu.Kind kind) {
            double[] ms = used.get(process);
            return switch (kind) {
                case JIT -> ms[1];
                case GC -> ms[2];
                case OTHER -> ms[0] - ms[1] - ms[2];
            };
        }

        double millis(List<String> processes) {
            return processes.stream().mapToDouble(this::millis).sum();
        }

        double millis(List<String> processes, ProcessCpu.Kind kind) {
            return processes.stream().mapToDouble(process -> millis(process, kind)).sum();
        }

        double cores(String process) {
            return millis(process) / 1000 / seconds;
        }

        double cores(List<String> processes) {
            return millis(processes) / 1000 / seconds;
        }
    }
}
