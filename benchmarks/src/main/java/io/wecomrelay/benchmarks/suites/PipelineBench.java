package io.wecomrelay.benchmarks.suites;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.HopHistograms;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.OpenLoad;
import io.wecomrelay.benchmarks.load.SignedCallbacks;
import io.wecomrelay.benchmarks.load.SignedRequest;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import io.wecomrelay.sim.dify.RecordedFrame;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.HdrHistogram.Histogram;

/**
 * The whole pipeline (issue 16's cases): one message at a time, 20 conversations at once (closed loop, see
 * {@link PipelineInteractive}), then 100 and 500 messages/s (open model), the Dify simulator answering every
 * message with {@value #DELTAS} deltas {@code CADENCE} apart. Every phase also gets a per-hop breakdown from
 * the services' {@code relay.hop.latency} histograms ({@link HopHistograms}, scraped before and after it).
 * For the rates, two legs, each p50/p99:
 * <ol>
 * <li>callback accepted (ingress's 200, after Kafka's ack) → Dify request received (the simulator's
 *     {@link RecordedChatRequest#receivedAt()}): ingress topic, processor (EOS), accepted topic,
 *     worker;</li>
 * <li>Dify delta written → visible in Redis, where every refresh reads it: worker (SSE decode,
 *     coalescing) and its fold of the preview (on {@code relay.worker.previews.route=chunks}: the chunks topic and
 *     the responder's fold). The write time of delta k is when the simulator
 *     handed that SSE frame to the connection ({@link RecordedFrame#sentAt()}), so the simulator's
 *     own timer drift under load does not count; a sample of streams is timed by Redis keyspace
 *     notifications of their writes.</li>
 * </ol>
 */
public final class PipelineBench implements Bench.Suite {

    /** {@code BENCH_PIPELINE_RATES=100} measures only 100/s (500/s costs about three minutes with its drain). */
    static final double[] RATES = rates(System.getenv("BENCH_PIPELINE_RATES"));
    /**
     * {@code BENCH_PIPELINE_SETTLE=60} waits that long (seconds) after the warm-up's drain before one message at a time:
     * right after the warm-up the JIT compilers of every JVM still take about half of a 2-core machine (BENCHMARKS.md
     * section 4 round 7), which one message at a time then measures. Default 0: no wait, as before.
     */
    static final Duration SETTLE = settle(System.getenv("BENCH_PIPELINE_SETTLE"));
    static final int CONVERSATIONS = 20;
    static final int BOTS = 500;
    static final int DELTAS = 5;
    static final Duration CADENCE = Duration.ofMillis(200);
    /** Every 5th message's stream is watched: 2,000 deltas at 100/s, so a p99 is not the 4th largest of 400 (rounds 1-10: 25). */
    static final int SAMPLE_EVERY = 5;

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            var pipeline = Targets.startPipeline(stack, BOTS, DELTAS, CADENCE, 200_000);
            DifySimulator sim = pipeline.sim();
            List<BenchBots.Bot> bots = pipeline.bots();
            var services = pipeline.services();
            var ingress = services.get(0);
            List<String> actuators = services.stream().map(BenchStack.Service::managementUrl).toList();
            var signer = new SignedCallbacks(bots);
            String run = Long.toString(System.currentTimeMillis(), 36);
            var table = new Table("pipeline: messages through ingress, processor, llm-worker, responder; Dify simulator with "
                    + DELTAS + " deltas every " + CADENCE.toMillis() + " ms",
                    "rate", "leg", "samples", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "target p99", "");
            var hops = new Table("pipeline: per-hop breakdown (relay.hop.latency, summed over bots; p50/p99 are the upper bounds "
                    + "of their histogram buckets, the mean is exact)", "phase", "hop", "samples", "mean ms", "p50 ms", "p99 ms");
            RedisClient redis = RedisClient.create(stack.redisUrl());
            try (var client = new LoadClient(ingress.baseUrl(), 256)) {
                // a cold stack (four JVMs compiling at once) cannot take 500/s at once: warm up gently first
                Duration gentle = context.time(Duration.ofSeconds(20));
                context.log("warm-up: 100 messages/s for " + gentle.toSeconds() + " s (not recorded)");
                List<String> warmStreams = new ArrayList<>();
                List<SignedRequest> warmPool = signer.signAll((int) (100 * gentle.toSeconds()), i -> {
                    warmStreams.add(StreamIds.of(signer.bot(i).id(), "warm-" + run + "-" + i));
                    return WecomMessages.text(signer.bot(i).id(), "warm-" + run + "-" + i, "w" + i, null, "warm-up " + i);
                });
                OpenLoad.open(i -> Targets.send(client, warmPool, i), 100, Duration.ZERO, gentle);
                awaitIdle(context, redis, warmStreams);
                if (!SETTLE.isZero()) {
                    context.log("settling " + SETTLE.toSeconds() + " s before one message at a time (BENCH_PIPELINE_SETTLE)");
                    Thread.sleep(SETTLE.toMillis());
                }
                var interactive = new PipelineInteractive(sim, client, signer, redis, run);
                var before = HopHistograms.scrape(actuators);
                context.log("one message at a time: " + context.count(20) + " warm-up, then " + context.count(150) + " measured");
                interactiveRows(table, "1 at a time", interactive.oneAtATime(context, "seq", context.count(20), context.count(150)),
                        150, 300);
                hopRows(hops, "1 at a time", actuators, before);
                Thread.sleep(2000); // the last answers finish streaming
                Duration conversationWarmup = context.time(Duration.ofSeconds(5));
                Duration conversationTime = context.time(Duration.ofSeconds(30));
                context.log(CONVERSATIONS + " conversations at once: " + conversationWarmup.toSeconds() + " s warm-up, then "
                        + conversationTime.toSeconds() + " s measured");
                before = HopHistograms.scrape(actuators);
                interactiveRows(table, CONVERSATIONS + " conversations", interactive.conversations(context, "conv", CONVERSATIONS,
                        conversationWarmup, conversationTime), Double.NaN, 500);
                hopRows(hops, CONVERSATIONS + " conversations", actuators, before);
                Thread.sleep(2000);
                int phase = 0;
                for (double rate : RATES) {
                    phase++;
                    before = HopHistograms.scrape(actuators);
                    phase(context, table, sim, client, signer, redis, run, phase, rate);
                    hopRows(hops, (int) rate + "/s", actuators, before);
                }
            } finally {
                redis.shutdown();
            }
            table.note("legs: 1 = callback accepted (ingress's 200, after Kafka's ack) -> Dify request received (simulator's "
                    + "receivedAt); 1' = the same from the scheduled send time; 2 = delta k written (when the simulator handed "
                    + "its SSE frame to the connection) -> visible in Redis stream:{id} (every " + SAMPLE_EVERY
                    + "th message, timed by Redis keyspace notifications of the writes to it: the worker's previews, the responder's "
                    + "fold of the last chunk; what any refresh reads).");
            table.note("llm-worker max-in-flight 2048 (default 256 < the ~" + (int) (500 * (DELTAS + 1) * CADENCE.toMillis() / 1000)
                    + " replies open at once at 500/s); all else the services' defaults (BENCH_SERVICE_ENV "
                    + "overrides: " + BenchStack.extraEnv() + "); "
                    + BOTS + " bots, one new user per message. No WeCom refresh polls in this run (see the refresh benchmark)."
                    + (SETTLE.isZero() ? "" : " One at a time began " + SETTLE.toSeconds() + " s after the warm-up's drain "
                    + "(BENCH_PIPELINE_SETTLE)."));
            table.note("targets (issue 16): callback sent -> Dify request p50 <= 150 ms and p99 <= 300 ms one at a time, p99 <= 500 ms "
                    + "with " + CONVERSATIONS + " conversations at once, p99 <= 1 s at 100/s; delta -> visible p99 <= 100 ms at 100/s.");
            hops.note("hops: callback_to_ack = ingress (callback arrived -> Kafka ack); inbound_to_decision = processor (inbound "
                    + "record timestamp -> decision made, before its commit); decision_to_worker = llm-worker polled the decision, "
                    + "counted from the decision record's timestamp, which Kafka Streams inherits from the inbound record: it "
                    + "includes inbound_to_decision and the commit; worker_to_dify = polled -> Dify request sent; delta_to_redis "
                    + "= chunk made -> folded into Redis (previews by the llm-worker, last chunks by the responder); "
                    + "record_to_redis = the responder's folds from the chunk record's timestamp (the worker's producer took it; "
                    + "Kafka and the fold: last chunks only, every chunk on relay.worker.previews.route=chunks); "
                    + "finish_to_delivered is empty here (no active delivery).");
            return table.and(hops);
        }
    }

    private void phase(Bench.Context context, Table table, DifySimulator sim, LoadClient client, SignedCallbacks signer,
                       RedisClient redis, String run, int phase, double rate) throws Exception {
        Duration warmup = context.time(Duration.ofSeconds(5));
        Duration measure = context.time(Duration.ofSeconds(20));
        int warmupCount = (int) (rate * warmup.toSeconds());
        int total = warmupCount + (int) (rate * measure.toSeconds());
        List<String> msgIds = new ArrayList<>(total);
        List<SignedRequest> pool = signer.signAll(total, i -> {
            String msgId = "pl-" + run + "-" + phase + "-" + i;
            msgIds.add(msgId);
            return WecomMessages.text(signer.bot(i).id(), msgId, "p" + phase + "u" + i, null,
                    "p" + phase + "q" + i + ": 你好，请简单回答一下。");
        });
        var sentAt = new AtomicLongArray(total);
        var acceptedAt = new AtomicLongArray(total);
        var sampler = new Sampler(redis);
        long chatsBefore = sim.chatRequestCount();
        OpenLoad.Result load;
        try {
            context.log((int) rate + " messages/s: " + warmup.toSeconds() + " s warm-up, then " + measure.toSeconds() + " s measured");
            load = OpenLoad.open(i -> {
                sentAt.set(i, nowMicros());
                return Targets.send(client, pool, i).doOnNext(status -> {
                    if (status == 200) {
                        acceptedAt.set(i, nowMicros());
                        if (i >= warmupCount && i % SAMPLE_EVERY == 0) {
                            sampler.track(i, StreamIds.of(signer.bot(i).id(), msgIds.get(i)));
                        }
                    }
                });
            }, rate, warmup, measure);
            // wait for every message to reach Dify and every sampled stream to finish: the next phase starts idle
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while ((sim.chatRequestCount() - chatsBefore < load.ok() || !sampler.allFinished()) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            var streams = new ArrayList<String>();
            for (int i = 0; i < total; i++) {
                if (acceptedAt.get(i) != 0) {
                    streams.add(StreamIds.of(signer.bot(i).id(), msgIds.get(i)));
                }
            }
            awaitIdle(context, redis, streams);
        } finally {
            sampler.close();
        }

        var fromAccepted = histogram();
        var fromSent = histogram();
        var firstDelta = histogram();
        var allDeltas = histogram();
        var finish = histogram();
        int chats = 0;
        int unmatched = 0;
        Pattern tag = Pattern.compile("p" + phase + "q(\\d+):");
        Map<String, List<RecordedFrame>> framesByTask = new java.util.HashMap<>();
        for (RecordedFrame frame : sim.sentFrames()) {
            framesByTask.computeIfAbsent(frame.taskId(), id -> new ArrayList<>()).add(frame);
        }
        int unframed = 0;
        for (RecordedChatRequest request : sim.chatRequests()) {
            var matcher = request.query() == null ? null : tag.matcher(request.query());
            if (matcher == null || !matcher.find()) {
                continue;
            }
            int i = Integer.parseInt(matcher.group(1));
            if (i < warmupCount || i >= total || acceptedAt.get(i) == 0) {
                continue;
            }
            chats++;
            long received = micros(request.receivedAt());
            fromAccepted.recordValue(Math.max(0, received - acceptedAt.get(i)));
            fromSent.recordValue(Math.max(0, received - sentAt.get(i)));
            Track track = sampler.tracks.get(i);
            if (track != null) {
              synchronized (track) {
                List<Integer> boundaries = boundaries(DifySimulator.expectedAnswer(request.query()));
                List<RecordedFrame> frames = request.taskId() == null ? List.of()
                        : framesByTask.getOrDefault(request.taskId(), List.of());
                List<Long> deltasSent = frames.stream().filter(f -> f.event().equals("message"))
                        .map(f -> micros(f.sentAt())).toList();
                long endSent = frames.stream().filter(f -> f.event().equals("message_end"))
                        .mapToLong(f -> micros(f.sentAt())).findFirst().orElse(0);
                if (deltasSent.size() != boundaries.size() || endSent == 0) {
                    unframed++;
                    continue;
                }
                boolean any = false;
                for (int k = 0; k < boundaries.size(); k++) {
                    long visible = track.firstAtLeast(boundaries.get(k));
                    if (visible > 0) {
                        any = true;
                        long leg = Math.max(0, visible - deltasSent.get(k));
                        allDeltas.recordValue(leg);
                        if (k == 0) {
                            firstDelta.recordValue(leg);
                        }
                    }
                }
                if (track.finishedAt > 0) {
                    finish.recordValue(Math.max(0, track.finishedAt - endSent));
                }
                if (!any && unmatched++ < 3) {
                    context.log("sampled stream without a visible delta: expected " + boundaries + " code points, Redis had "
                            + track.lastContent);
                }
              }
            }
        }
        String r = (int) rate + "/s";
        table.row(r, "ingress: callback sent -> 200 (Kafka ack)", load.ok(), load.p50Ms(), load.p99Ms(), load.p999Ms(),
                load.maxMs(), "-", "");
        boolean targeted = rate == 100;
        legRow(table, r, "1: accepted (200) -> Dify request received", fromAccepted, Double.NaN);
        legRow(table, r, "1': callback sent -> Dify request received", fromSent, targeted ? 1000 : Double.NaN);
        legRow(table, r, "2: delta written -> visible in Redis (first delta)", firstDelta, Double.NaN);
        legRow(table, r, "2: delta written -> visible in Redis (every delta)", allDeltas, targeted ? 100 : Double.NaN);
        legRow(table, r, "2: message_end written -> finish visible", finish, Double.NaN);
        table.note(r + ": achieved " + Table.fmt(load.achievedPerSec()) + " callbacks/s; " + load.failed() + " failed; "
                + chats + " of " + (total - warmupCount) + " measured messages reached Dify; " + sampler.tracks.size()
                + " streams sampled for leg 2" + (unframed > 0 ? " (" + unframed + " without their recorded SSE frames, skipped)" : "")
                + ".");
    }

    /**
     * Waits until every one of {@code streamIds} is finished in Redis (the responder folded the last
     * chunk), so that each measured phase starts on an idle pipeline, not behind the previous
     * phase's backlog. Gives up after two minutes.
     */
    private static void awaitIdle(Bench.Context context, RedisClient redis, List<String> streamIds) throws Exception {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(120);
        var pending = new ArrayList<>(streamIds);
        try (var connection = redis.connect()) {
            var async = connection.async();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                var futures = new ArrayList<io.lettuce.core.RedisFuture<String>>();
                for (String id : pending) {
                    futures.add(async.hget(StreamStateKeys.key(id), StreamStateKeys.FINISH));
                }
                var still = new ArrayList<String>();
                for (int i = 0; i < pending.size(); i++) {
                    if (!"1".equals(futures.get(i).get(10, TimeUnit.SECONDS))) {
                        still.add(pending.get(i));
                    }
                }
                pending = still;
                if (!pending.isEmpty()) {
                    Thread.sleep(500);
                }
            }
        }
        context.log("pipeline drained in " + Table.fmt((System.nanoTime() - started) / 1e9) + " s"
                + (pending.isEmpty() ? "" : "; " + pending.size() + " streams still unfinished"));
    }

    /** A row; {@code targetP99Ms} NaN for a leg without a target. */
    private static void legRow(Table table, String rate, String leg, Histogram h, double targetP99Ms) {
        boolean met = h.getTotalCount() > 0 && h.getValueAtPercentile(99) / 1000.0 <= targetP99Ms;
        table.row(rate, leg, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0,
                Double.isNaN(targetP99Ms) ? "-" : "<= " + Table.fmt(targetP99Ms) + " ms",
                Double.isNaN(targetP99Ms) ? "" : Table.metOrMissed(met));
    }

    private static void interactiveRows(Table table, String phase, PipelineInteractive.Result result, double targetP50Ms,
                                        double targetP99Ms) {
        var ack = result.toAck();
        table.row(phase, "ingress: callback sent -> 200 (Kafka ack)", ack.getTotalCount(), ack.getValueAtPercentile(50) / 1000.0,
                ack.getValueAtPercentile(99) / 1000.0, ack.getValueAtPercentile(99.9) / 1000.0, ack.getMaxValue() / 1000.0, "-", "");
        legRow(table, phase, "1': callback sent -> Dify request received", result.toDify(), targetP99Ms);
        if (!Double.isNaN(targetP50Ms)) {
            var h = result.toDify();
            boolean met = h.getTotalCount() > 0 && h.getValueAtPercentile(50) / 1000.0 <= targetP50Ms;
            table.note(phase + ": callback sent -> Dify request p50 " + Table.fmt(h.getValueAtPercentile(50) / 1000.0)
                    + " ms, target p50 <= " + Table.fmt(targetP50Ms) + " ms: " + Table.metOrMissed(met) + ".");
        }
        table.note(phase + ": " + result.sent() + " messages sent (" + Table.fmt(result.sent() / result.seconds())
                + "/s over the phase), " + result.lost() + " without a 200 or a Dify request within 30 s.");
    }

    /** The hops this phase recorded: a scrape now minus {@code before}. */
    private static void hopRows(Table hops, String phase, List<String> actuators, HopHistograms.Snapshot before)
            throws Exception {
        var after = HopHistograms.scrape(actuators);
        var phaseOnly = after.minus(before);
        for (String name : HopHistograms.ordered(phaseOnly)) {
            var hop = phaseOnly.hops().get(name);
            if (hop.count() > 0) {
                hops.row(phase, name, (long) hop.count(), hop.meanMs(), hop.percentileMs(50), hop.percentileMs(99));
            }
        }
    }

    static double[] rates(String setting) {
        if (setting == null || setting.isBlank()) {
            return new double[] {100, 500};
        }
        return java.util.Arrays.stream(setting.split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
    }

    /** Whole seconds, none for unset or blank. */
    static Duration settle(String setting) {
        if (setting == null || setting.isBlank()) {
            return Duration.ZERO;
        }
        long seconds = Long.parseLong(setting.trim());
        if (seconds < 0) {
            throw new IllegalArgumentException("BENCH_PIPELINE_SETTLE must be 0 or more seconds, not " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    }

    /** Cumulative code-point lengths after each delta, as the simulator cuts the answer. */
    static List<Integer> boundaries(String answer) {
        int length = answer.codePointCount(0, answer.length());
        int pieces = Math.max(1, Math.min(DELTAS, length));
        var result = new ArrayList<Integer>();
        for (int i = 1; i <= pieces; i++) {
            result.add((int) ((long) length * i / pieces));
        }
        return result;
    }

    static long nowMicros() {
        return micros(Instant.now());
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    /** What one sampled stream looked like in Redis over time. */
    static final class Track {
        final String key;
        final long startedAt = nowMicros();
        final List<long[]> lengths = new ArrayList<>(); // {micros, code points}, each time it grew
        volatile String lastContent = "";
        volatile long finishedAt;

        Track(String key) {
            this.key = key;
        }

        long firstAtLeast(int codePoints) {
            for (long[] seen : lengths) {
                if (seen[1] >= codePoints) {
                    return seen[0];
                }
            }
            return 0;
        }
    }

    /**
     * Watches the sampled streams through Redis keyspace notifications: every write to a sampled
     * {@code stream:{id}} (the responder's fold script) pushes an event; on each event the content
     * and finish flag are read once. Cheap (only sampled keys, no polling) and timed to the write.
     */
    static final class Sampler implements AutoCloseable {
        final Map<Integer, Track> tracks = new ConcurrentHashMap<>();
        private final Map<String, Track> byChannel = new ConcurrentHashMap<>();
        private final io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> pubsub;
        private final io.lettuce.core.api.StatefulRedisConnection<String, String> reads;

        Sampler(RedisClient client) {
            try (var admin = client.connect()) {
                admin.sync().configSet("notify-keyspace-events", "Kh"); // keyspace events for hash commands
            }
            reads = client.connect();
            pubsub = client.connectPubSub();
            pubsub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Track track = byChannel.get(channel);
                    if (track != null) {
                        read(track, nowMicros());
                    }
                }
            });
        }

        void track(int index, String streamId) {
            var track = new Track(StreamStateKeys.key(streamId));
            tracks.put(index, track);
            String channel = "__keyspace@0__:" + track.key;
            byChannel.put(channel, track);
            pubsub.async().subscribe(channel).thenRun(() -> read(track, nowMicros())); // anything written before
        }

        boolean allFinished() {
            long now = nowMicros();
            return tracks.values().stream().allMatch(t -> t.finishedAt > 0 || now - t.startedAt > 90_000_000);
        }

        private void read(Track track, long notifiedAt) {
            reads.async().hmget(track.key, StreamStateKeys.CONTENT, StreamStateKeys.FINISH).thenAccept(values -> {
                String content = values.get(0).getValueOrElse("");
                int length = content.codePointCount(0, content.length());
                synchronized (track) {
                    track.lastContent = content;
                    if (track.lengths.isEmpty() || track.lengths.get(track.lengths.size() - 1)[1] < length) {
                        track.lengths.add(new long[] {notifiedAt, length});
                    }
                    if (track.finishedAt == 0 && "1".equals(values.get(1).getValueOrElse("0"))) {
                        track.finishedAt = notifiedAt;
                    }
                }
            });
        }

        @Override
        public void close() {
            pubsub.close();
            reads.close();
        }
    }
}
