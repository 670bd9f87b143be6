package io.wecomrelay.benchmarks.suites;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.RawScan;
import io.wecomrelay.benchmarks.infra.RelayRun;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code relay replay} over 1M inbound events: the replay benchmark's data set (200 bots, 20 hours, 1 % WeCom
 * retries) is decided first by the real processor jar (exactly-once, so the decision topics hold transaction
 * markers as in production), which is then stopped; then {@code relay replay --from --to --bots} over the whole
 * range, every bot, runs the processor's topology again and compares all 1M decisions, timed in this JVM (the
 * command classes) and as {@code ./relay} runs it (a fresh JVM: start-up, peak RSS, heap after GC), once with the
 * wrapper's options and once with the JVM's default collector. Baseline in the
 * same run: a plain consumer reading, without decoding, the same records (inbound, accepted and rejected over the
 * range).
 */
public final class CliReplayBench implements Bench.Suite {

    private static final Pattern SUMMARY = Pattern.compile("replayed (\\d+) decisions .*: (\\d+) differences");

    @Override
    public String name() {
        return "cli-replay";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        int events = context.quick() ? ReplayBench.EVENTS / 20 : ReplayBench.EVENTS;
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            String kafka = stack.kafka();
            Path botsFile = stack.work().resolve("bots.yaml");
            List<BenchBots.Bot> bots = BenchBots.write(botsFile, ReplayBench.BOTS, "http://127.0.0.1:9/v1", "app-unused", 20);
            RelayRun.Result created = RelayRun.inProcess(List.of("topics", "create", "--bootstrap-servers", kafka, "--quiet"));
            if (created.code() != 0) {
                throw new IllegalStateException("relay topics create failed: " + created.err());
            }
            Instant from = Instant.now().minus(ReplayBench.SPAN).minus(Duration.ofMinutes(5));
            context.log("producing " + events + " inbound events");
            double produceSeconds = ReplayBench.produce(kafka, Topics.INBOUND.name(), bots, events);
            Instant to = Instant.now();
            context.log("produced in " + Table.fmt(produceSeconds) + " s; the processor decides them");
            double decideSeconds = decide(stack, botsFile, events, context);
            context.log("decided in " + Table.fmt(decideSeconds) + " s; baseline: plain consumer");
            RawScan.Result baseline = RawScan.read(kafka, partitions(), from.toEpochMilli(), to.toEpochMilli());
            context.log("baseline: " + baseline.perTopic() + " in " + Table.fmt(baseline.seconds()) + " s");

            var table = new Table("cli-replay: relay replay of " + events + " inbound events (" + ReplayBench.BOTS
                    + " bots, 20 h) and the comparison with the processor's recorded decisions",
                    "run", "seconds", "CPU s", "exit", "decisions compared", "differences", "peak RSS MB", "heap after GC MB",
                    "baseline: plain consumer s", "baseline records", "ratio (time)");
            List<String> args = List.of("replay", "--bots", botsFile.toString(), "--from", from.toString(), "--to",
                    to.toString(), "--bootstrap-servers", kafka);
            double worst = 0;
            // the third run: ./relay with the JVM's default collector (G1) instead of the wrapper's, for comparison; or,
            // given BENCH_RELAY_JAR_REPLAY_BEFORE (an earlier build's exec jar), that build on the same data (before/after)
            String before = System.getenv("BENCH_RELAY_JAR_REPLAY_BEFORE");
            String third = before == null || before.isBlank() ? "fresh JVM (./relay, G1)" : "before: fresh JVM (" + before + ")";
            for (String run : List.of("in process", "fresh JVM (./relay)", third)) {
                RelayRun.Result result = run.equals("in process") ? RelayRun.inProcess(args)
                        : run.startsWith("before") ? RelayRun.freshJvm(context.root(), stack.logs(), "replay-before", args, "", before)
                        : RelayRun.freshJvm(context.root(), stack.logs(), run.contains("G1") ? "replay-g1" : "replay", args,
                        run.contains("G1") ? "-XX:+UseG1GC" : "");
                Matcher summary = SUMMARY.matcher(result.err());
                boolean found = summary.find();
                context.log(run + ": exit " + result.code() + " in " + Table.fmt(result.seconds()) + " s");
                table.row(run, result.seconds(), result.cpuSeconds(), result.code(), found ? summary.group(1) : "?", found ? summary.group(2) : "?",
                        result.peakRssMiB(), result.maxHeapAfterGcMiB(), baseline.seconds(), baseline.records(),
                        Table.ratio(result.seconds() / baseline.seconds()));
                if (result.code() > 1) {
                    throw new IllegalStateException("relay replay exited " + result.code() + ": " + result.err());
                }
                if (!run.contains("G1") && !run.startsWith("before")) {
                    worst = Math.max(worst, result.seconds());
                }
            }
            table.note("target: relay replay over 1M inbound events with the comparison <= 60 s (as ./relay runs it, JVM "
                    + "start included): " + Table.fmt(worst) + " s at worst " + Table.metOrMissed(worst <= 60 && events >= ReplayBench.EVENTS));
            table.note("data: " + events + " inbound events produced in " + Table.fmt(produceSeconds) + " s, decided by the "
                    + "processor jar in " + Table.fmt(decideSeconds) + " s (its replay benchmark's figure, here only set-up). "
                    + "Exit 0 and 0 differences: every replayed decision equals the recorded one. In-process runs share this "
                    + "harness JVM (-Xmx2g, ParallelGC); the fresh JVMs are ./relay (its default options; the G1 run with -XX:+UseG1GC "
                    + "instead of the wrapper's collector), plus a GC log.");
            return table;
        }
    }

    /** Runs the processor jar with a fresh application id until it has committed a decision for every event; returns seconds. */
    private static double decide(BenchStack stack, Path botsFile, int events, Bench.Context context) throws Exception {
        String applicationId = "bench-cli-replay-" + UUID.randomUUID();
        long launched = System.nanoTime();
        var processor = stack.service("processor", botsFile, BenchStack.SERVICE_JVM,
                Map.of("RELAY_PROCESSOR_APPLICATION_ID", applicationId), List.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(context.quick() ? 3 : 10).toNanos();
            long committed = 0;
            while (committed < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the processor decided only " + committed + " of " + events);
                }
                Thread.sleep(500);
                committed = ReplayBench.committed(admin, applicationId, Topics.INBOUND.name());
            }
        } finally {
            stack.stop(processor.process());
        }
        return (System.nanoTime() - launched) / 1e9;
    }

    private static List<TopicPartition> partitions() {
        var partitions = new ArrayList<TopicPartition>();
        for (var topic : List.of(Topics.INBOUND, Topics.ACCEPTED, Topics.REJECTED)) {
            for (int p = 0; p < topic.defaultPartitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        return partitions;
    }
}
