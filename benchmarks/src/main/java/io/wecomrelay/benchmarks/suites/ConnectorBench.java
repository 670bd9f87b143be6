package io.wecomrelay.benchmarks.suites;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.Actuator;
import io.wecomrelay.benchmarks.infra.BareLongConnectionsMain;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchBots.LongConnectionBot;
import io.wecomrelay.benchmarks.infra.BenchContent;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.ChildProcess;
import io.wecomrelay.benchmarks.infra.Memory;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The long-connection channel (issue 14): how many WeCom sockets one connector instance holds and what each costs,
 * and how many reply frames per second it pushes. The WeCom long-connection simulator runs in the harness (acks at
 * once); the connector is its jar with the services' JVM settings; the harness plays the responder (the stream hash
 * in Redis, then the {@code stream-changed} notice on {@code wecom.outbound}), as the responder does after each fold.
 * <p>
 * Baseline, same run: {@link BareLongConnectionsMain}, the same sockets and frames on bare Reactor Netty in its own
 * JVM (no Kafka, Redis, Spring or metrics), answering each frame's ack with the next frame at once. So connector ÷
 * baseline is what the relay's path (notice, snapshot read, coalescing, metrics) costs over the wire's own limit.
 */
public final class ConnectorBench implements Bench.Suite {

    static final int[] SOCKET_LEVELS = {1_000, 2_000, 4_000};
    static final int STREAMS = 1_000;
    static final double OPEN_RATE = 2_000;
    static final double INJECT_RATE = 500;
    static final int CONTENT_BYTES = 1_000;
    static final String RESPOND = "aibot_respond_msg";
    static final String WARM_UP = BareLongConnectionsMain.WARM_UP;

    @Override
    public String name() {
        return "connector";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        int[] levels = java.util.Arrays.stream(SOCKET_LEVELS).map(context::count).toArray();
        int top = levels[levels.length - 1];
        int streamCount = Math.min(context.count(STREAMS), top);
        Duration warmup = context.time(Duration.ofSeconds(5));
        Duration measure = context.time(Duration.ofSeconds(10));
        try (var stack = BenchStack.start(context.root(), context.results(), name());
             var wecom = LongConnectionSimulator.start(Clock.systemUTC(),
                     new LongConnectionSimulator.Settings(1_000, Duration.ofMinutes(1), Duration.ofMinutes(6), Duration.ZERO), 0);
             var redisClient = RedisClient.create(stack.redisUrl());
             var producer = producer(stack.kafka())) {
            wecom.limitFrameLog(1_000);
            List<LongConnectionBot> bots = BenchBots.longConnectionBots(top);
            bots.forEach(bot -> wecom.addBot(bot.id(), bot.secret()));
            var probe = new FrameProbe();
            wecom.onFrame(probe::frame);
            var responder = new Responder(redisClient.connect().async(), producer);
            var sockets = new Table("connector: long connections held by one instance (-Xmx1g), each bot subscribed at "
                    + "the simulator; baseline: the same sockets on bare Reactor Netty in its own JVM (-Xmx1g)",
                    "sockets", "subscribed", "time to subscribe all s", "heap used MB", "heap after full GC MB", "RSS MB",
                    "live heap per socket KB", "RSS per socket KB", "kicks");
            var frames = new Table("connector: reply frames pushed (" + streamCount + " open streams, texts of ~"
                    + CONTENT_BYTES + " bytes, acks at once); baseline: bare Reactor Netty sending each stream's next frame "
                    + "on the previous one's ack", "run", "bots", "writes/s", "frames/s", "p50 ms", "p99 ms", "max ms",
                    "baseline frames/s", "baseline p50 ms", "baseline p99 ms", "frames/s ÷ baseline");

            // sockets: the connector reloads its bots file and subscribes every bot of it
            Path botsFile = stack.work().resolve("bots.yaml");
            BenchBots.writeLongConnection(botsFile, List.of());
            var connector = stack.service("connector", botsFile, BenchStack.SERVICE_JVM,
                    Map.of("WECOM_LONG_CONNECTION_URL", wecom.url(), "WECOM_RELAY_BOTS_RELOAD_INTERVAL", "1s"), List.of());
            Thread.sleep(context.time(Duration.ofSeconds(10)).toMillis()); // let start-up settle
            Memory idle = Memory.of(connector.process());
            sockets.row("0 (idle baseline)", "-", "-", idle.heapMb(), idle.heapAfterGcMb(), idle.rssMb(), "-", "-", "-");
            Memory held = idle;
            for (int level : levels) {
                List<LongConnectionBot> subset = bots.subList(0, level);
                long started = System.nanoTime();
                BenchBots.writeLongConnection(botsFile, subset);
                int subscribed = awaitSubscribed(wecom, subset, Duration.ofSeconds(180));
                double seconds = (System.nanoTime() - started) / 1e9;
                context.log(subscribed + " of " + level + " bots subscribed after " + Table.fmt(seconds) + " s");
                Thread.sleep(context.time(Duration.ofSeconds(5)).toMillis());
                held = Memory.of(connector.process());
                sockets.row(level, subscribed + (wecom.openSockets() != subscribed ? " (" + wecom.openSockets() + " open)" : ""),
                        seconds, held.heapMb(), held.heapAfterGcMb(), held.rssMb(), held.liveHeapKbPer(idle, subscribed),
                        held.rssKbPer(idle, subscribed), kicks(wecom, subset));
            }

            // frames: one stream per bot, then the same number of streams on one bot
            List<LongConnectionBot> many = bots.subList(0, streamCount);
            List<LongConnectionBot> one = List.of(bots.get(0));
            // a first round warms the message path up (JIT, the producer's metadata, Redis scripts), then the measured one
            probe.inject(wecom, many, streamCount, WARM_UP, context);
            probe.finishAll(responder, context);
            var placeholders = probe.inject(wecom, many, streamCount, "", context);
            var open = probe.openLoad(responder, OPEN_RATE, warmup, measure, context);
            var closedMany = probe.closedLoop(responder, warmup, measure, context);
            probe.finishAll(responder, context);
            probe.inject(wecom, one, streamCount, "", context);
            var closedOne = probe.closedLoop(responder, warmup, measure, context);
            probe.finishAll(responder, context);
            Files.writeString(stack.logs().resolve("connector-metrics.txt"),
                    Actuator.get(connector.managementUrl() + "/actuator/prometheus"), StandardCharsets.UTF_8);

            // the baseline: the connector stops (one connection per bot), the bare client takes the same bots
            stack.stop(connector.process());
            await(() -> wecom.openSockets() == 0, Duration.ofSeconds(60));
            Duration loop = warmup.plus(measure).plus(Duration.ofSeconds(5));
            Memory bareIdle = bareMemory(stack, wecom, context);
            long bareStarted = System.nanoTime();
            var bare = startBare(stack, wecom, "bare", bots, loop);
            double bareSeconds = (System.nanoTime() - bareStarted) / 1e9;
            Thread.sleep(context.time(Duration.ofSeconds(5)).toMillis());
            Memory bareHeld = Memory.of(bare.process());
            sockets.row("0 (baseline: bare client, idle)", "-", "-", bareIdle.heapMb(), bareIdle.heapAfterGcMb(),
                    bareIdle.rssMb(), "-", "-", "-");
            sockets.row(top + " (baseline: bare client)", top, Table.fmt(bareSeconds) + " (JVM start included)", bareHeld.heapMb(),
                    bareHeld.heapAfterGcMb(), bareHeld.rssMb(), bareHeld.liveHeapKbPer(bareIdle, top),
                    bareHeld.rssKbPer(bareIdle, top), kicks(wecom, bots));
            sockets.note("live heap per socket, connector ÷ bare client at " + top + " sockets: "
                    + Table.ratio(held.liveHeapKbPer(idle, top) / bareHeld.liveHeapKbPer(bareIdle, top))
                    + "; heap: jcmd GC.heap_info, before and after jcmd GC.run; RSS: VmRSS (it grows with the heap's "
                    + "touched pages, so per socket it is noisy at small counts)");
            probe.inject(wecom, many, streamCount, WARM_UP, context); // the bare client finishes these at once
            var barePlaceholders = probe.inject(wecom, many, streamCount, "", context);
            var bareMany = probe.bareLoop(warmup, measure, loop);
            probe.inject(wecom, one, streamCount, "", context);
            var bareOne = probe.bareLoop(warmup, measure, loop);
            stack.stop(bare.process());

            frames.row("message → first frame (placeholder), " + Table.fmt(INJECT_RATE) + " messages/s", many.size(), "-",
                    "-", placeholders.p50Ms(), placeholders.p99Ms(), placeholders.maxMs(), "-", barePlaceholders.p50Ms(),
                    barePlaceholders.p99Ms(), "-");
            frames.row("write → frame, open model " + Table.fmt(OPEN_RATE) + " writes/s", many.size(), open.writesPerSec(),
                    open.framesPerSec(), open.p50Ms(), open.p99Ms(), open.maxMs(), "-", "-", "-", "-");
            frames.row("closed loop, frame → next frame of the stream", many.size(), closedMany.writesPerSec(),
                    closedMany.framesPerSec(), closedMany.p50Ms(), closedMany.p99Ms(), closedMany.maxMs(),
                    bareMany.framesPerSec(), bareMany.p50Ms(), bareMany.p99Ms(),
                    Table.ratio(closedMany.framesPerSec() / bareMany.framesPerSec()));
            frames.row("closed loop, all streams on one bot", 1, closedOne.writesPerSec(), closedOne.framesPerSec(),
                    closedOne.p50Ms(), closedOne.p99Ms(), closedOne.maxMs(), bareOne.framesPerSec(), bareOne.p50Ms(),
                    bareOne.p99Ms(), Table.ratio(closedOne.framesPerSec() / bareOne.framesPerSec()));
            frames.note("one bot ÷ " + many.size() + " bots, frames/s: connector " + Table.ratio(closedOne.framesPerSec()
                    / closedMany.framesPerSec()) + ", bare client " + Table.ratio(bareOne.framesPerSec() / bareMany.framesPerSec()));
            frames.note("writes: stream hash written (HSET), then its stream-changed notice produced, as the responder does. "
                    + "Open model: write i due at start + i / rate, latency from its due time to the first frame carrying it "
                    + "(a frame carries the latest text, so writes coalesce). Closed loop: each stream's next write when the "
                    + "frame of its previous one arrives; latency = time between two frames of a stream at the simulator. "
                    + "Warm-up " + warmup.toSeconds() + " s, measured " + measure.toSeconds() + " s.");
            return sockets.and(frames);
        }
    }

    private static KafkaProducer<String, RelayEvent> producer(String bootstrap) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        return new KafkaProducer<>(props, new StringSerializer(), EventSerde.any());
    }

    private static int awaitSubscribed(LongConnectionSimulator wecom, List<LongConnectionBot> bots, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int subscribed = 0;
        while (System.nanoTime() < deadline) {
            subscribed = (int) bots.stream().filter(bot -> wecom.subscribed(bot.id())).count();
            if (subscribed == bots.size()) {
                break;
            }
            Thread.sleep(100);
        }
        return subscribed;
    }

    private static int kicks(LongConnectionSimulator wecom, List<LongConnectionBot> bots) {
        return bots.stream().mapToInt(bot -> wecom.kicks(bot.id())).sum();
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** The bare client's memory with no bot, then stopped. */
    private static Memory bareMemory(BenchStack stack, LongConnectionSimulator wecom, Bench.Context context) throws Exception {
        var bare = startBare(stack, wecom, "bare-idle", List.of(), Duration.ZERO);
        Thread.sleep(context.time(Duration.ofSeconds(5)).toMillis());
        Memory idle = Memory.of(bare.process());
        stack.stop(bare.process());
        return idle;
    }

    private static ChildProcess.Started startBare(BenchStack stack, LongConnectionSimulator wecom, String name,
                                                  List<LongConnectionBot> bots, Duration loop) throws Exception {
        Path list = stack.work().resolve(name + "-bots.txt");
        var lines = new StringBuilder();
        bots.forEach(bot -> lines.append(bot.id()).append(' ').append(bot.secret()).append('\n'));
        Files.writeString(list, lines, StandardCharsets.UTF_8);
        var bare = ChildProcess.mainWithAnnouncement(name, BenchStack.SERVICE_JVM, BareLongConnectionsMain.class.getName(),
                List.of(wecom.url(), list.toString(), Integer.toString(CONTENT_BYTES), Long.toString(loop.toSeconds())),
                "READY", stack.logs(), Duration.ofSeconds(180));
        stack.own(bare.process());
        return bare;
    }

    /** What one frames run measured. */
    record Run(double writesPerSec, double framesPerSec, Histogram latencyUs) {

        double p50Ms() {
            return latencyUs.getTotalCount() == 0 ? Double.NaN : latencyUs.getValueAtPercentile(50) / 1000.0;
        }

        double p99Ms() {
            return latencyUs.getTotalCount() == 0 ? Double.NaN : latencyUs.getValueAtPercentile(99) / 1000.0;
        }

        double maxMs() {
            return latencyUs.getTotalCount() == 0 ? Double.NaN : latencyUs.getMaxValue() / 1000.0;
        }
    }

    /** The responder's part: the stream hash, then the notice keyed by bot id. */
    record Responder(RedisAsyncCommands<String, String> redis, KafkaProducer<String, RelayEvent> producer) {

        void write(Stream stream, String content, boolean finish) {
            redis.hset(StreamStateKeys.key(stream.streamId), Map.of(StreamStateKeys.CONTENT, content,
                    StreamStateKeys.FINISH, finish ? "1" : "0", StreamStateKeys.OWNER, stream.botId)).thenRun(() -> {
                        var notice = new StreamChanged(new EventMeta(UUID.randomUUID(), "bench", Instant.now()),
                                stream.botId, stream.streamId);
                        producer.send(new ProducerRecord<>(Topics.OUTBOUND.name(), stream.botId, notice));
                    });
        }
    }

    /** One injected message's stream, as the harness follows it. */
    static final class Stream {
        final String botId;
        final String reqId;
        final String streamId;
        final long injectedAt;
        volatile long seq = -1;
        volatile long lastFrameAt;
        volatile boolean finished;

        Stream(String botId, String reqId, String streamId, long injectedAt) {
            this.botId = botId;
            this.reqId = reqId;
            this.streamId = streamId;
            this.injectedAt = injectedAt;
        }
    }

    /**
     * Follows every reply frame at the simulator (its frame listener: quick, no call back into the simulator): the
     * first frame of a stream, the write each frame carries, the time between two frames of a stream; in the closed
     * loop it hands the stream's next write to a thread of its own.
     */
    static final class FrameProbe {
        private final String prefix = BenchContent.prefix(CONTENT_BYTES);
        private final Map<String, Stream> streams = new ConcurrentHashMap<>();
        private final Map<Long, Long> writtenAt = new ConcurrentHashMap<>();
        private final AtomicLong seqs = new AtomicLong();
        private final AtomicLong writes = new AtomicLong();
        private final AtomicLong finishes = new AtomicLong();
        private final AtomicLong frames = new AtomicLong();
        private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            var thread = new Thread(r, "bench-writer");
            thread.setDaemon(true);
            return thread;
        });
        private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
        private volatile Recorder latency = new Recorder(3);
        private volatile boolean measuring;
        private volatile boolean intervals;
        private volatile Responder looping;

        void frame(ReceivedFrame frame) {
            if (!frame.cmd().equals(RESPOND)) {
                return;
            }
            long now = System.nanoTime();
            // a first frame may come back before inject() has registered its stream
            firstSeen.putIfAbsent(frame.reqId(), now);
            Stream stream = streams.get(frame.reqId());
            if (stream == null) {
                return;
            }
            frames.incrementAndGet();
            if (stream.lastFrameAt != 0 && measuring && intervals) {
                latency.recordValue((now - stream.lastFrameAt) / 1000);
            }
            stream.lastFrameAt = now;
            long seq = BenchContent.seqOf(frame.streamContent());
            Long written = seq < 0 ? null : writtenAt.remove(seq);
            if (written != null && measuring && !intervals) {
                latency.recordValue(Math.max(0, (now - written) / 1000));
            }
            if (frame.finished()) {
                stream.finished = true;
                finishes.incrementAndGet();
            } else if (looping != null && seq >= 0 && seq == stream.seq) {
                Responder responder = looping;
                writer.execute(() -> next(responder, stream));
            }
        }

        /**
         * {@code count} messages round robin to {@code bots} at {@link #INJECT_RATE} (with {@code text}, or a text of
         * their own when empty); latency: message → first frame.
         */
        Run inject(LongConnectionSimulator wecom, List<LongConnectionBot> bots, int count, String text,
                   Bench.Context context) throws InterruptedException {
            streams.clear();
            writtenAt.clear();
            firstSeen.clear();
            long period = (long) (1e9 / INJECT_RATE);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                parkUntil(start + i * period);
                String bot = bots.get(i % bots.size()).id();
                long at = System.nanoTime();
                var injected = wecom.sendText(bot, "user-" + i, text.isEmpty() ? "请回答 #" + i : text);
                streams.put(injected.reqId(), new Stream(bot, injected.reqId(), StreamIds.of(bot, injected.msgId()), at));
            }
            await(() -> streams.keySet().stream().allMatch(firstSeen::containsKey), Duration.ofSeconds(120));
            context.log(count + " messages on " + bots.size() + " bots: first frame of each arrived");
            var firstFrames = new Histogram(3);
            streams.values().forEach(stream -> firstFrames.recordValue(Math.max(0, (firstSeen.get(stream.reqId) - stream.injectedAt) / 1000)));
            return new Run(0, 0, firstFrames);
        }

        /** Writes at {@code rate} per second, round robin over the streams. */
        Run openLoad(Responder responder, double rate, Duration warmup, Duration measure, Bench.Context context)
                throws InterruptedException {
            List<Stream> all = List.copyOf(streams.values());
            intervals = false;
            long period = (long) (1e9 / rate);
            long total = (long) (rate * (warmup.toMillis() + measure.toMillis()) / 1000);
            long warmupCount = (long) (rate * warmup.toMillis() / 1000);
            long start = System.nanoTime();
            long framesAtStart = 0;
            for (long i = 0; i < total; i++) {
                long due = start + i * period;
                parkUntil(due);
                if (i == warmupCount) {
                    latency.getIntervalHistogram();
                    framesAtStart = frames.get();
                    measuring = true;
                }
                Stream stream = all.get((int) (i % all.size()));
                long seq = seqs.incrementAndGet();
                stream.seq = seq;
                writtenAt.put(seq, due);
                responder.write(stream, BenchContent.of(prefix, seq), false);
            }
            Thread.sleep(1_000); // the last writes' frames
            measuring = false;
            double seconds = (System.nanoTime() - start - warmup.toNanos()) / 1e9;
            var run = new Run((total - warmupCount) / (measure.toNanos() / 1e9), (frames.get() - framesAtStart) / seconds,
                    latency.getIntervalHistogram());
            context.log("open model at " + Table.fmt(rate) + " writes/s: " + Table.fmt(run.framesPerSec()) + " frames/s");
            return run;
        }

        /** Each stream's next write when the frame of its previous one arrived. */
        Run closedLoop(Responder responder, Duration warmup, Duration measure, Bench.Context context)
                throws InterruptedException {
            intervals = true;
            writtenAt.clear();
            looping = responder;
            streams.values().forEach(stream -> writer.execute(() -> next(responder, stream)));
            Run run = measured(warmup, measure);
            looping = null;
            context.log("closed loop: " + Table.fmt(run.framesPerSec()) + " frames/s");
            return run;
        }

        /** The bare client loops by itself: only frames are counted. */
        Run bareLoop(Duration warmup, Duration measure, Duration loop) throws InterruptedException {
            intervals = true;
            Run run = measured(warmup, measure);
            await(() -> streams.values().stream().allMatch(stream -> stream.finished), loop.plus(Duration.ofSeconds(60)));
            return run;
        }

        /** Waits out the warm-up, then counts writes and frames, and times frames, for {@code measure}. */
        private Run measured(Duration warmup, Duration measure) throws InterruptedException {
            Thread.sleep(warmup.toMillis());
            latency.getIntervalHistogram();
            long writesAtStart = writes.get();
            long framesAtStart = frames.get();
            measuring = true;
            long started = System.nanoTime();
            Thread.sleep(measure.toMillis());
            measuring = false;
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Run((writes.get() - writesAtStart) / seconds, (frames.get() - framesAtStart) / seconds,
                    latency.getIntervalHistogram());
        }

        /** Every stream finished (the connector drops it), so that the next run starts with none open. */
        void finishAll(Responder responder, Bench.Context context) throws Exception {
            writer.submit(() -> { }).get(); // the loop's last writes are out: none overwrites a finish
            streams.values().forEach(stream -> responder.write(stream, "完", true));
            await(() -> streams.values().stream().allMatch(stream -> stream.finished), Duration.ofSeconds(60));
            context.log(streams.size() + " streams finished");
        }

        private void next(Responder responder, Stream stream) {
            if (looping == null) {
                return;
            }
            long seq = seqs.incrementAndGet();
            stream.seq = seq;
            writes.incrementAndGet();
            responder.write(stream, BenchContent.of(prefix, seq), false);
        }

        private static void parkUntil(long due) {
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
