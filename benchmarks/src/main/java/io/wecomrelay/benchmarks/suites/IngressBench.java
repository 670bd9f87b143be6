package io.wecomrelay.benchmarks.suites;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.OpenLoad;
import io.wecomrelay.benchmarks.load.SignedCallbacks;
import io.wecomrelay.benchmarks.load.SignedRequest;
import io.wecomrelay.sim.wecom.WecomMessages;

/**
 * Ingress under load: new text callbacks (verify, decrypt, publish with acks=all and wait for the
 * ack, Redis marker, encrypted first stream frame) at fixed offered rates, and the most it answers
 * with 64 requests outstanding. The same load, in the same run, against the no-durability baseline
 * issue 8 defines, "the same endpoint answering without publishing": a second ingress from the same
 * jar with the same JVM settings and {@code RELAY_INGRESS_PUBLISHER=none} (no Kafka publish, no Redis
 * marker; everything else as usual); and against the bare Reactor Netty {@link
 * io.wecomrelay.benchmarks.load.BaselineServer} as the framework floor (the codec work alone, no
 * Spring, logging or metrics).
 */
public final class IngressBench implements Bench.Suite {

    static final int BOTS = 20;
    static final double[] RATES = {500, 2_000, 5_000};
    static final int MAX_CONCURRENCY = 64;

    @Override
    public String name() {
        return "ingress";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            Path botsFile = stack.work().resolve("bots.yaml");
            List<BenchBots.Bot> bots = BenchBots.write(botsFile, BOTS, "http://127.0.0.1:9/v1", "app-unused", 20);
            var services = stack.services(botsFile, List.of(BenchStack.ServiceSpec.of("ingress"),
                    new BenchStack.ServiceSpec("ingress-none", "ingress", BenchStack.SERVICE_JVM,
                            Map.of("RELAY_INGRESS_PUBLISHER", "none"), List.of())));
            String floorUrl = Targets.startBaseline(stack, botsFile, 1000);
            var signer = new SignedCallbacks(bots);
            String run = Long.toString(System.currentTimeMillis(), 36);
            var table = new Table("ingress: new text callbacks, acknowledged after Kafka's ack (acks=all), vs the same ingress "
                    + "with publisher=none (baseline) and a bare Reactor Netty endpoint (framework floor)",
                    "load", "ingress /s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "baseline /s", "p50 ms", "p99 ms",
                    "p99.9 ms", "ingress/baseline /s", "p99 ratio", "floor /s", "floor p99 ms");
            try (var toIngress = new LoadClient(services.get(0).baseUrl(), 256);
                 var toBaseline = new LoadClient(services.get(1).baseUrl(), 256);
                 var toFloor = new LoadClient(floorUrl, 256)) {
                List<LoadClient> targets = List.of(toIngress, toBaseline, toFloor);
                int[] batch = {0};
                java.util.function.Supplier<List<SignedRequest>> fresh = () -> {
                    int b = batch[0]++;
                    return signer.signAll(context.count(40_000), i -> WecomMessages.text(signer.bot(i).id(),
                            "msg-" + run + "-" + b + "-" + i, "user" + (i % 997), null,
                            "你好，请帮我总结一下今天的会议纪要，并列出三个行动项。Please summarise today's meeting. #" + i));
                };
                context.log("warm-up (JIT): 64 outstanding for 15 s, then 1,000/s for 10 s, on each of ingress, baseline, floor");
                List<SignedRequest> warm = fresh.get();
                for (LoadClient target : targets) {
                    OpenLoad.closed(i -> Targets.send(target, warm, i), MAX_CONCURRENCY, Duration.ZERO, context.time(Duration.ofSeconds(15)));
                }
                for (LoadClient target : targets) {
                    OpenLoad.open(i -> Targets.send(target, warm, i), 1_000, Duration.ZERO, context.time(Duration.ofSeconds(10)));
                }
                OpenLoad.Result p99At2000 = null;
                long otherErrors = 0;
                for (double rate : RATES) {
                    List<SignedRequest> pool = fresh.get();
                    context.log("offered " + (int) rate + "/s: ingress, baseline, floor (5 s warm-up + 15 s measured each)");
                    var results = new ArrayList<OpenLoad.Result>();
                    for (LoadClient target : targets) {
                        results.add(OpenLoad.open(n -> Targets.send(target, pool, n), rate, context.time(Duration.ofSeconds(5)),
                                context.time(Duration.ofSeconds(15))));
                    }
                    row(table, "offered " + (int) rate + "/s", results.get(0), results.get(1), results.get(2));
                    otherErrors += results.get(1).failed() + results.get(2).failed();
                    if (rate == 2_000) {
                        p99At2000 = results.get(0);
                    }
                }
                List<SignedRequest> pool = fresh.get();
                context.log("max: " + MAX_CONCURRENCY + " outstanding, ingress, baseline, floor (3 s warm-up + 10 s measured each)");
                var results = new ArrayList<OpenLoad.Result>();
                for (LoadClient target : targets) {
                    results.add(OpenLoad.closed(n -> Targets.send(target, pool, n), MAX_CONCURRENCY, context.time(Duration.ofSeconds(3)),
                            context.time(Duration.ofSeconds(10))));
                }
                row(table, "max (" + MAX_CONCURRENCY + " outstanding)", results.get(0), results.get(1), results.get(2));
                otherErrors += results.get(1).failed() + results.get(2).failed();
                double ingressMax = results.get(0).achievedPerSec();
                double baselineMax = results.get(1).achievedPerSec();
                table.note("targets: ingress max >= 0.7x baseline max: " + Table.ratio(ingressMax / baselineMax) + " "
                        + Table.metOrMissed(ingressMax >= 0.7 * baselineMax) + "; p99 <= 15 ms at 2,000/s: "
                        + (p99At2000 == null ? "-" : Table.fmt(p99At2000.p99Ms()) + " ms "
                        + Table.metOrMissed(p99At2000.p99Ms() <= 15 && p99At2000.failed() == 0))
                        + ". Ingress max / framework floor max: " + Table.ratio(ingressMax / results.get(2).achievedPerSec()) + ".");
                if (otherErrors > 0) {
                    table.note("WARNING: " + otherErrors + " requests to the baseline or the floor failed; their rows are suspect.");
                }
            }
            table.note("baseline = ingress itself (same jar, same JVM settings) with RELAY_INGRESS_PUBLISHER=none: no Kafka publish, "
                    + "no Redis marker, everything else as usual (routing, verify, decrypt, reply, log line, metrics). Floor = "
                    + "BaselineServer, the same codec work on bare Reactor Netty (no Spring, logging or metrics).");
            table.note("open model: latency from each request's scheduled send time (queueing included); " + BOTS
                    + " bots, ~200-byte texts, unique msgids. Load generator, broker, Redis, both ingresses and the floor share the 2 cores.");
            return table;
        }
    }

    static void row(Table table, String load, OpenLoad.Result ingress, OpenLoad.Result baseline, OpenLoad.Result floor) {
        table.row(load, ingress.achievedPerSec(), ingress.p50Ms(), ingress.p99Ms(), ingress.p999Ms(), ingress.failed(),
                baseline.achievedPerSec(), baseline.p50Ms(), baseline.p99Ms(), baseline.p999Ms(),
                Table.ratio(ingress.achievedPerSec() / baseline.achievedPerSec()), Table.ratio(ingress.p99Ms() / baseline.p99Ms()),
                floor.achievedPerSec(), floor.p99Ms());
    }

    static void row(Table table, String load, OpenLoad.Result ingress, OpenLoad.Result baseline) {
        table.row(load, ingress.achievedPerSec(), ingress.p50Ms(), ingress.p99Ms(), ingress.p999Ms(), ingress.failed(),
                baseline.achievedPerSec(), baseline.p50Ms(), baseline.p99Ms(), baseline.p999Ms(),
                Table.ratio(ingress.achievedPerSec() / baseline.achievedPerSec()), Table.ratio(ingress.p99Ms() / baseline.p99Ms()));
    }
}
