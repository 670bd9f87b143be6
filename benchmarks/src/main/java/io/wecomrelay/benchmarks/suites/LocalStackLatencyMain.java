package io.wecomrelay.benchmarks.suites;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.Actuator;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.HopHistograms;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.SignedCallbacks;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;

/**
 * The one-at-a-time case against the local stack ({@code ./run-local.sh}: C1-only JVMs, the broker inside
 * devstack's JVM), which is what a new user tries first. Not part of {@code bench/run.sh}: it does not start the
 * stack. It starts a Dify simulator, writes a bots file of {@code --bots-count} bots pointing at it to
 * {@code --bots FILE}, waits until an ingress answers on {@code --ingress URL} (start the local stack with
 * {@code --bots FILE --no-demo} meanwhile), then sends {@code --warmup} + {@code --samples} messages one at a time and
 * prints callback sent → Dify request received, ingress's 200, and the per-hop breakdown from the local stack's
 * management ports ({@code --actuators URL,URL,...}).
 */
public final class LocalStackLatencyMain {

    private LocalStackLatencyMain() {
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Path botsFile = Path.of(arg(args, "--bots", "local-latency-bots.yaml"));
        String ingress = arg(args, "--ingress", "http://127.0.0.1:8080");
        String redisUrl = arg(args, "--redis", "redis://127.0.0.1:6379");
        List<String> actuators = List.of(arg(args, "--actuators",
                "http://127.0.0.1:9080,http://127.0.0.1:9081,http://127.0.0.1:9082,http://127.0.0.1:9083").split(","));
        int warmup = Integer.parseInt(arg(args, "--warmup", "30"));
        int samples = Integer.parseInt(arg(args, "--samples", "150"));
        var context = new Bench.Context(Path.of("."), Path.of("."), false, out);
        try (DifySimulator sim = DifySimulator.start(DifySimulatorConfig.defaults().withCadence(PipelineBench.DELTAS,
                PipelineBench.CADENCE).withRequestLogCapacity(20_000))) {
            var bots = BenchBots.write(botsFile, Integer.parseInt(arg(args, "--bots-count", "20")), sim.baseUrl(),
                    DifySimulatorConfig.DEFAULT_API_KEY, 120);
            out.println("BOTS " + botsFile.toAbsolutePath());
            awaitUp(actuators, Duration.ofMinutes(5));
            context.log("local stack up; " + warmup + " warm-up messages, then " + samples + " measured, one at a time");
            RedisClient redis = RedisClient.create(redisUrl);
            try (var client = new LoadClient(ingress, 4)) {
                var interactive = new PipelineInteractive(sim, client, new SignedCallbacks(bots), redis,
                        Long.toString(System.currentTimeMillis(), 36));
                var before = HopHistograms.scrape(actuators);
                var result = interactive.oneAtATime(context, "local", warmup, samples);
                var phase = HopHistograms.scrape(actuators).minus(before);
                var table = new Table("local stack, one message at a time", "leg", "samples", "p50 ms", "p99 ms", "max ms");
                table.row("ingress: callback sent -> 200", result.toAck().getTotalCount(), ms(result.toAck(), 50),
                        ms(result.toAck(), 99), result.toAck().getMaxValue() / 1000.0);
                table.row("callback sent -> Dify request received", result.toDify().getTotalCount(), ms(result.toDify(), 50),
                        ms(result.toDify(), 99), result.toDify().getMaxValue() / 1000.0);
                var hops = new Table("per hop (relay.hop.latency; p50/p99 = bucket upper bounds)", "hop", "samples", "mean ms",
                        "p50 ms", "p99 ms");
                for (String name : HopHistograms.ordered(phase)) {
                    var hop = phase.hops().get(name);
                    if (hop.count() > 0) {
                        hops.row(name, (long) hop.count(), hop.meanMs(), hop.percentileMs(50), hop.percentileMs(99));
                    }
                }
                out.println(table.and(hops));
            } finally {
                redis.shutdown();
            }
        }
    }

    private static double ms(org.HdrHistogram.Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static void awaitUp(List<String> actuators, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String url : actuators) {
            while (true) {
                try {
                    if (Actuator.get(url + "/actuator/health/readiness").contains("\"UP\"")) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(url + " not ready");
                }
                Thread.sleep(500);
            }
        }
    }

    private static String arg(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }
}
