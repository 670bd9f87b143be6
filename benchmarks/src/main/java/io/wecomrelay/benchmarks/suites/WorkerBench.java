package io.wecomrelay.benchmarks.suites;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.Actuator;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.ChildProcess;
import io.wecomrelay.benchmarks.infra.DifySimMain;
import io.wecomrelay.benchmarks.infra.Events;
import io.wecomrelay.benchmarks.infra.Memory;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How many Dify streams one llm-worker holds open, and what they cost: accepted messages, each its
 * own conversation, go straight to {@code wecom.accepted}; the Dify simulator (its own JVM) answers
 * every one with a stream that stays open (pings only). At 1k, 5k and 10k open streams (counted by the
 * simulator) the worker's heap (actuator, before and after a full GC) and RSS are read; the idle
 * worker is the baseline.
 */
public final class WorkerBench implements Bench.Suite {

    static final int[] LEVELS = {1_000, 5_000, 10_000};
    static final int BOTS = 10;

    @Override
    public String name() {
        return "worker";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            var sim = ChildProcess.mainWithAnnouncement("dify-sim", List.of("-Xms256m", "-Xmx1g"), DifySimMain.class.getName(),
                    List.of(), "LISTENING", stack.logs(), Duration.ofSeconds(60));
            stack.own(sim.process());
            String[] ports = sim.value().split(" ");
            String difyUrl = "http://127.0.0.1:" + ports[0] + "/v1";
            String control = "http://127.0.0.1:" + ports[1];
            Path botsFile = stack.work().resolve("bots.yaml");
            List<BenchBots.Bot> bots = BenchBots.write(botsFile, BOTS, difyUrl, DifySimulatorConfig.DEFAULT_API_KEY, 20);
            int top = LEVELS[LEVELS.length - 1];
            var worker = stack.service("llm-worker", botsFile, List.of("-Xms256m", "-Xmx2g", "-Dfile.encoding=UTF-8"),
                    Map.of("RELAY_WORKER_CONSUMER_MAX_IN_FLIGHT", Integer.toString(top + 2_000),
                            "RELAY_WORKER_CONSUMER_MAX_BUFFERED", Integer.toString(2 * top + 4_000)), List.of());
            var table = new Table("worker: concurrently open Dify streams held by one llm-worker (-Xmx2g; max-in-flight "
                    + (top + 2_000) + "), the Dify simulator in its own JVM keeping every stream open",
                    "open streams", "heap used MB", "heap after full GC MB", "RSS MB", "live heap per stream KB",
                    "RSS per stream KB", "time to open s");
            Thread.sleep(context.time(Duration.ofSeconds(10)).toMillis()); // let start-up settle
            Memory idle = Memory.of(worker);
            table.row("0 (idle baseline)", idle.heapMb(), idle.heapAfterGcMb(), idle.rssMb(), "-", "-", "-");
            var props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            var serde = EventSerde.of(MessageAccepted.class);
            int sent = 0;
            Memory last = idle;
            boolean heldTop = false;
            int topTarget = context.quick() ? top / 10 : top;
            try (var producer = new KafkaProducer<String, byte[]>(props)) {
                for (int level : LEVELS) {
                    int target = context.quick() ? level / 10 : level;
                    long started = System.nanoTime();
                    for (; sent < target; sent++) {
                        var bot = bots.get(sent % bots.size());
                        var message = Events.text(bot.id(), "hold-" + sent, "user-" + sent, "请一直保持连接 #" + sent);
                        MessageAccepted accepted = Events.accepted(bot.id(), message, Instant.now());
                        producer.send(Events.record(Topics.ACCEPTED.name(), accepted.conversationKey(), accepted,
                                MessageAccepted.TYPE, serde.serialize(Topics.ACCEPTED.name(), accepted), System.currentTimeMillis()));
                    }
                    producer.flush();
                    long open = awaitOpen(control, target, Duration.ofSeconds(240));
                    double seconds = (System.nanoTime() - started) / 1e9;
                    context.log(open + " streams open after " + Table.fmt(seconds) + " s");
                    Thread.sleep(context.time(Duration.ofSeconds(5)).toMillis());
                    long stillOpen = Actuator.getLong(control + "/open");
                    last = Memory.of(worker);
                    table.row(stillOpen + (stillOpen < target ? " (of " + target + " sent)" : ""), last.heapMb(),
                            last.heapAfterGcMb(), last.rssMb(), last.liveHeapKbPer(idle, stillOpen),
                            last.rssKbPer(idle, stillOpen), seconds);
                    heldTop = stillOpen >= target;
                }
            }
            table.note("target: >= 10,000 open streams per worker with heap <= 1 GB: " + (heldTop ? "held " : "did NOT hold ")
                    + topTarget + ", heap " + Table.fmt(last.heapMb()) + " MB used / " + Table.fmt(last.heapAfterGcMb())
                    + " MB after full GC: " + Table.metOrMissed(heldTop && last.heapMb() <= 1024));
            table.note("heap: /actuator/metrics/jvm.memory.used?tag=area:heap, before and after jcmd GC.run; RSS: VmRSS of "
                    + "/proc/<pid>/status. Each stream is its own conversation (one Dify connection, no thread).");
            return table;
        }
    }

    private static long awaitOpen(String control, int target, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long open = 0;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = Actuator.getLong(control + "/open");
            if (now >= target) {
                return now;
            }
            if (now != open) {
                open = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > Duration.ofSeconds(30).toNanos()) {
                return now; // stuck below the target: that is the answer
            }
            Thread.sleep(250);
        }
        return open;
    }
}
