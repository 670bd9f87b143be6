package io.wecomrelay.benchmarks.suites;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.floor.FloorArgs;
import io.wecomrelay.benchmarks.floor.FloorHopMain;
import io.wecomrelay.benchmarks.floor.FloorKafka;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.ChildProcess;
import io.wecomrelay.benchmarks.infra.ProcessCpu;
import io.wecomrelay.benchmarks.infra.SyscallCounts;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.OpenLoad;
import io.wecomrelay.benchmarks.load.SignedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import reactor.core.publisher.Mono;

/**
 * The cpu benchmark's floor phase (issue 22): after the steady phase, with the services idle, on the same broker and
 * Redis, the three floor hops ({@link FloorArgs.Mode}) each in a JVM of their own with the services' JVM options, all
 * driven at {@value #RATE}/s at once (as the services run side by side) for {@value #WARM_S} s, then {@value
 * #MEASURE_S} s measured. Per hop: CPU per message (the hop's outputs in the window: records the harness reads back
 * read_committed, or 200 answers for http), of it JIT and GC, and system calls per message by thread group.
 */
final class FloorPhase {

    static final double RATE = 100;
    // C2 is still compiling the hops' code after a minute (half their CPU at 45 s): the ratios also leave the JIT out
    static final int WARM_S = 60;
    static final int MEASURE_S = 30;
    static final int PARTITIONS = 6;
    /** About a decision's size. */
    static final int VALUE_BYTES = 1024;

    /** What the phase measured: its tables, and by hop ({@link FloorArgs.Mode#label()}) the figures per message. */
    record Result(Table tables, Map<String, FloorRatios.Figures> figures) {
    }

    private FloorPhase() {
    }

    /** {@code BENCH_CPU_FLOOR=0} skips the phase; anything else, or unset, runs it. */
    static boolean enabled() {
        return !"0".equals(System.getenv("BENCH_CPU_FLOOR"));
    }

    static Result run(Bench.Context context, BenchStack stack, String benchmark) throws Exception {
        String kafka = stack.kafka();
        createTopics(kafka, List.of(topic("relay", "in"), topic("relay", "out"), topic("eos", "in"), topic("eos", "out"),
                topic("http", "out")));
        var modes = List.of(FloorArgs.Mode.RELAY, FloorArgs.Mode.EOS, FloorArgs.Mode.HTTP);
        var pids = new LinkedHashMap<String, Long>();
        int httpPort = 0;
        for (FloorArgs.Mode mode : modes) {
            var args = new FloorArgs(mode, kafka, mode == FloorArgs.Mode.RELAY ? stack.redisUrl() : "",
                    mode == FloorArgs.Mode.HTTP ? "" : topic(mode.label(), "in"), topic(mode.label(), "out"),
                    mode == FloorArgs.Mode.EOS ? stack.work().resolve("floor-eos-state").toString() : "");
            var started = ChildProcess.mainWithAnnouncement("floor-" + mode.label(), BenchStack.SERVICE_JVM,
                    FloorHopMain.class.getName(), args.toArgs(), "READY", stack.logs(), Duration.ofSeconds(150));
            stack.own(started.process());
            pids.put(mode.label(), started.process().pid());
            if (mode == FloorArgs.Mode.HTTP) {
                httpPort = Integer.parseInt(started.value());
            }
        }
        var outputs = new LinkedHashMap<String, AtomicLong>();
        modes.forEach(mode -> outputs.put(mode.label(), new AtomicLong()));
        Duration warm = context.time(Duration.ofSeconds(WARM_S));
        Duration measure = context.time(Duration.ofSeconds(MEASURE_S));
        context.log("floor: relay, eos and http hops at " + (int) RATE + " messages/s each: " + warm.toSeconds()
                + " s warm-up, then " + measure.toSeconds() + " s measured");
        CpuBench.Snapshot start;
        CpuBench.Snapshot end;
        Map<String, Long> before;
        Map<String, Long> after;
        CompletableFuture<SyscallCounts.Running> syscalls = new CompletableFuture<>();
        boolean countSyscalls = SyscallCounts.available();
        OpenLoad.Result load;
        try (var reader = new OutputReader(kafka, outputs); var producer = FloorKafka.producer(kafka, 1);
             var client = new LoadClient("http://127.0.0.1:" + httpPort, 64)) {
            reader.start();
            CompletableFuture<CpuBench.Snapshot> from = new CompletableFuture<>();
            CompletableFuture<CpuBench.Snapshot> to = new CompletableFuture<>();
            CompletableFuture<Map<String, Long>> countsFrom = new CompletableFuture<>();
            CompletableFuture<Map<String, Long>> countsTo = new CompletableFuture<>();
            var timer = Executors.newSingleThreadScheduledExecutor();
            try {
                long startMs = 20 + warm.toMillis();
                timer.schedule(() -> {
                    countsFrom.complete(counts(outputs));
                    from.complete(CpuBench.snapshot(pids, false));
                    if (countSyscalls) {
                        syscalls.complete(SyscallCounts.start(pids, measure, context.results().resolve("logs").resolve(benchmark)));
                    }
                }, startMs, TimeUnit.MILLISECONDS);
                timer.schedule(() -> {
                    to.complete(CpuBench.snapshot(pids, false));
                    countsTo.complete(counts(outputs));
                }, startMs + measure.toMillis(), TimeUnit.MILLISECONDS);
                load = OpenLoad.open(i -> sendAll(producer, client, outputs.get("http"), i), RATE, warm, measure);
            } finally {
                timer.shutdown();
            }
            start = from.get(1, TimeUnit.MINUTES);
            end = to.get(1, TimeUnit.MINUTES);
            before = countsFrom.get(1, TimeUnit.MINUTES);
            after = countsTo.get(1, TimeUnit.MINUTES);
        }
        var usage = start.until(end);
        var messages = new LinkedHashMap<String, Long>();
        pids.keySet().forEach(hop -> messages.put(hop, after.get(hop) - before.get(hop)));
        var counted = countSyscalls ? syscalls.get(1, TimeUnit.MINUTES).await() : Map.<String, Map<String, SyscallCounts.Counts>>of();

        var table = new Table("cpu-floor: the least a service hop does, each in its own JVM (services' JVM options and "
                + "client settings), " + (int) RATE + "/s each, services idle", "floor hop", "shape of", "messages",
                "CPU ms / message", "of it JIT", "of it GC", "cores busy", "syscalls / message");
        var figures = new LinkedHashMap<String, FloorRatios.Figures>();
        for (String hop : pids.keySet()) {
            double n = Math.max(1, messages.get(hop));
            double ms = usage.millis(hop) / n;
            double jit = usage.millis(hop, ProcessCpu.Kind.JIT) / n;
            var groups = counted.get(hop);
            double calls = groups == null ? Double.NaN : SyscallCounts.total(groups).get(SyscallCounts.Kind.TOTAL) / n;
            figures.put(hop, new FloorRatios.Figures(ms, jit, calls));
            table.row(hop, shapeOf(hop), messages.get(hop), ms, jit,
                    usage.millis(hop, ProcessCpu.Kind.GC) / n, usage.cores(hop), calls);
        }
        table.note("floor: messages = outputs in the " + Table.fmt(usage.seconds()) + " s window (records read back "
                + "read_committed from floor.<hop>.out, or 200 answers for http); the harness offered " + (int) RATE
                + "/s to each hop (" + load.ok() + " sends of all three accepted, " + load.failed() + " failed, measured part). "
                + "relay: poll, one EVALSHA, one send (acks=all, idempotent, linger 0), offsets committed every 1 s, "
                + "read_committed. eos: Kafka Streams exactly_once_v2, commit interval 50 ms, poll.ms 10, linger 5, one "
                + "changelogged RocksDB put per record. http: Reactor Netty, answers a POST once its body is acknowledged "
                + "by Kafka (linger 1). ~" + VALUE_BYTES + "-byte JSON values, " + PARTITIONS + " partitions per topic.");
        Table tables = countSyscalls ? table.and(CpuBench.syscallTable("floor", counted, hop -> messages.get(hop)))
                : table.note("No system call counts: perf cannot count system call tracepoints on this machine.");
        return new Result(tables, figures);
    }

    static String topic(String hop, String direction) {
        return "floor." + hop + "." + direction;
    }

    private static String shapeOf(String hop) {
        var services = new ArrayList<String>();
        FloorRatios.SHAPES.forEach((service, shape) -> {
            if (shape.equals(hop)) {
                services.add(service);
            }
        });
        return services.isEmpty() ? "-" : String.join(", ", services);
    }

    /** One message to each hop: a record to relay's and eos' input, a POST to http; 200 when all three were taken. */
    private static Mono<Integer> sendAll(KafkaProducer<String, byte[]> producer, LoadClient client, AtomicLong httpOk, int i) {
        String key = "floor-u" + i;
        byte[] value = value(i);
        Mono<Integer> relay = send(producer, topic("relay", "in"), key, value);
        Mono<Integer> eos = send(producer, topic("eos", "in"), key, value);
        Mono<Integer> http = client.post(new SignedRequest("/floor", value)).map(answer -> {
            if (answer.status() == 200) {
                httpOk.incrementAndGet();
            }
            return answer.status();
        });
        return Mono.zip(relay, eos, http).map(all -> all.getT1() == 200 && all.getT2() == 200 && all.getT3() == 200 ? 200 : 500);
    }

    private static Mono<Integer> send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        return Mono.create(sink -> producer.send(new ProducerRecord<>(topic, key, value),
                (metadata, error) -> sink.success(error == null ? 200 : 500)));
    }

    /** A JSON value of {@link #VALUE_BYTES} bytes, like a decision. */
    static byte[] value(int i) {
        String head = "{\"msgId\":\"floor-" + i + "\",\"botId\":\"floor-bot\",\"userId\":\"floor-u" + i + "\",\"text\":\"";
        String tail = "\"}";
        return (head + "x".repeat(Math.max(0, VALUE_BYTES - head.length() - tail.length())) + tail)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> outputs) {
        var counts = new LinkedHashMap<String, Long>();
        outputs.forEach((hop, count) -> counts.put(hop, count.get()));
        return counts;
    }

    private static void createTopics(String kafka, List<String> topics) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            admin.createTopics(topics.stream().map(name -> new NewTopic(name, PARTITIONS, (short) 1)).toList())
                    .all().get(1, TimeUnit.MINUTES);
        }
    }

    /** Counts the relay and eos hops' outputs as they become visible to a read_committed reader. */
    private static final class OutputReader implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, AtomicLong> outputs;
        private final Thread thread;
        private volatile boolean running = true;

        OutputReader(String kafka, Map<String, AtomicLong> outputs) {
            this.consumer = new KafkaConsumer<>(FloorKafka.consumer(kafka, "floor-harness"), new StringDeserializer(),
                    new ByteArrayDeserializer());
            this.outputs = outputs;
            this.thread = new Thread(this::run, "floor-output-reader");
            consumer.subscribe(List.of(topic("relay", "out"), topic("eos", "out")));
        }

        // from the earliest offsets: what the hops wrote before the group's first assignment is counted too
        void start() {
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        // floor.<hop>.out
                        String hop = record.topic().substring("floor.".length(), record.topic().length() - ".out".length());
                        outputs.get(hop).incrementAndGet();
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
        }
    }
}
