package io.wecomrelay.benchmarks.suites;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.SignedCallbacks;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.HdrHistogram.Histogram;

/**
 * The pipeline as people use it, not as a flood: callback sent → Dify request received
 * <ul>
 * <li>one message at a time: send a callback, wait until the Dify simulator received its request, send the
 *     next (the earlier answers still stream meanwhile, as they would);</li>
 * <li>{@code n} conversations at once (closed loop): each of {@code n} users sends the next message of its
 *     conversation when the previous one was answered (its stream finished in Redis, what a refresh shows).</li>
 * </ul>
 * The time is from just before the HTTP request is written to the simulator's
 * {@link io.wecomrelay.sim.dify.RecordedChatRequest#receivedAt()}.
 */
final class PipelineInteractive {

    /** What one run measured: callback sent → Dify request received, and ingress's 200, µs. */
    record Result(Histogram toDify, Histogram toAck, int sent, int lost, double seconds) {
    }

    private final DifySimulator sim;
    private final LoadClient client;
    private final SignedCallbacks signer;
    private final RedisClient redis;
    private final String run;

    PipelineInteractive(DifySimulator sim, LoadClient client, SignedCallbacks signer, RedisClient redis, String run) {
        this.sim = sim;
        this.client = client;
        this.signer = signer;
        this.redis = redis;
        this.run = run;
    }

    /** {@code warmup} messages not recorded, then {@code samples} recorded, one at a time. */
    Result oneAtATime(Bench.Context context, String prefix, int warmup, int samples) throws Exception {
        var toDify = PipelineBench.histogram();
        var toAck = PipelineBench.histogram();
        int lost = 0;
        long started = System.nanoTime();
        try (var arrivals = new DifyArrivals(sim, prefix)) {
            for (int i = 0; i < warmup + samples; i++) {
                var arrived = arrivals.expect(i);
                var request = signer.sign(i, WecomMessages.text(signer.bot(i).id(), prefix + run + "-" + i, prefix + "u" + i,
                        null, prefix + i + ": 你好，请简单回答一下。"));
                long sent = PipelineBench.nowMicros();
                var answer = client.post(request).block(Duration.ofSeconds(15));
                long acked = PipelineBench.nowMicros();
                if (answer == null || answer.status() != 200) {
                    lost++;
                    continue;
                }
                try {
                    long received = PipelineBench.micros(arrived.get(30, TimeUnit.SECONDS).receivedAt());
                    if (i >= warmup) {
                        toDify.recordValue(Math.max(0, received - sent));
                        toAck.recordValue(Math.max(0, acked - sent));
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    lost++;
                }
            }
        }
        context.log(prefix + ": " + (warmup + samples) + " messages one at a time in "
                + io.wecomrelay.benchmarks.Table.fmt((System.nanoTime() - started) / 1e9) + " s, " + lost + " lost");
        return new Result(toDify, toAck, warmup + samples, lost, (System.nanoTime() - started) / 1e9);
    }

    /**
     * {@code users} conversations at once for {@code warmup + measure}; only messages sent after the warm-up are
     * recorded. Each user waits for its answer to finish (polling Redis every 20 ms) before its next message.
     */
    Result conversations(Bench.Context context, String prefix, int users, Duration warmup, Duration measure) throws Exception {
        var toDify = PipelineBench.histogram();
        var toAck = PipelineBench.histogram();
        var next = new AtomicInteger();
        var lost = new AtomicInteger();
        long start = System.nanoTime();
        long recordFrom = start + warmup.toNanos();
        long end = recordFrom + measure.toNanos();
        var errors = new AtomicLong();
        try (var arrivals = new DifyArrivals(sim, prefix)) {
            List<Thread> threads = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                int user = u;
                Thread thread = new Thread(() -> {
                    try (var connection = redis.connect()) {
                        converse(connection.sync(), arrivals, prefix, user, next, lost, recordFrom, end, toDify, toAck);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }, "conversation-" + u);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 60_000);
            }
        }
        context.log(prefix + ": " + users + " conversations, " + next.get() + " messages, " + lost.get() + " lost"
                + (errors.get() > 0 ? ", " + errors.get() + " users stopped by an error" : ""));
        return new Result(toDify, toAck, next.get(), lost.get(), measure.toNanos() / 1e9);
    }

    private void converse(RedisCommands<String, String> redisSync, DifyArrivals arrivals, String prefix, int user,
                          AtomicInteger next, AtomicInteger lost, long recordFrom, long end, Histogram toDify,
                          Histogram toAck) throws Exception {
        String botId = signer.bot(user).id();
        while (System.nanoTime() < end) {
            int n = next.getAndIncrement();
            var arrived = arrivals.expect(n);
            String msgId = prefix + run + "-" + n;
            var request = signer.sign(user, WecomMessages.text(botId, msgId, prefix + "user" + user, null,
                    prefix + n + ": 你好，请简单回答一下。"));
            boolean recorded = System.nanoTime() >= recordFrom;
            long sent = PipelineBench.nowMicros();
            var answer = client.post(request).block(Duration.ofSeconds(15));
            long acked = PipelineBench.nowMicros();
            if (answer == null || answer.status() != 200) {
                lost.incrementAndGet();
                continue;
            }
            try {
                long received = PipelineBench.micros(arrived.get(30, TimeUnit.SECONDS).receivedAt());
                if (recorded) {
                    synchronized (toDify) {
                        toDify.recordValue(Math.max(0, received - sent));
                        toAck.recordValue(Math.max(0, acked - sent));
                    }
                }
            } catch (java.util.concurrent.TimeoutException e) {
                lost.incrementAndGet();
                continue;
            }
            String key = StreamStateKeys.key(StreamIds.of(botId, msgId));
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"1".equals(redisSync.hget(key, StreamStateKeys.FINISH)) && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
        }
    }
}
