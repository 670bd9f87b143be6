package io.wecomrelay.benchmarks.load;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;

/**
 * Load at a constant offered rate (open model) or with a fixed number of requests outstanding
 * (closed model, for the most a server can do).
 * <p>
 * Open model: request {@code i} is due at {@code start + i / rate}, whatever happened to the ones
 * before it. Its latency is measured from that due time, not from when it was actually sent, so a
 * server (or a generator) that falls behind shows up as queueing in the latency instead of quietly
 * lowering the load (no coordinated omission). A warm-up part at the same rate runs first and is
 * not recorded.
 */
public final class OpenLoad {

    private static final long MAX_LATENCY_US = TimeUnit.MINUTES.toMicros(2);

    private OpenLoad() {
    }

    /**
     * What one phase measured.
     *
     * @param offeredPerSec the constant rate, or 0 for a closed-model run
     * @param concurrency   requests outstanding in a closed-model run, 0 for open
     * @param ok            measured answers with status 200
     * @param failed        measured answers with another status, errors and timeouts
     * @param achievedPerSec measured 200 answers per second of the measured window
     * @param latencyUs     latency of the 200 answers, µs
     */
    public record Result(double offeredPerSec, int concurrency, long ok, long failed, double achievedPerSec,
                         Histogram latencyUs) {

        public double p50Ms() {
            return latencyUs.getValueAtPercentile(50) / 1000.0;
        }

        public double p99Ms() {
            return latencyUs.getValueAtPercentile(99) / 1000.0;
        }

        public double p999Ms() {
            return latencyUs.getValueAtPercentile(99.9) / 1000.0;
        }

        public double maxMs() {
            return latencyUs.getMaxValue() / 1000.0;
        }
    }

    /** Sends {@code send.apply(i)} at {@code rate} per second: warm-up first, then the measured part. */
    public static Result open(IntFunction<Mono<Integer>> send, double rate, Duration warmup, Duration measure) {
        long period = (long) (1e9 / rate);
        int warmupCount = (int) (rate * warmup.toMillis() / 1000.0);
        int total = warmupCount + (int) (rate * measure.toMillis() / 1000.0);
        var recorder = new Recorder(MAX_LATENCY_US, 3);
        var ok = new AtomicLong();
        var failed = new AtomicLong();
        var lastDone = new AtomicLong();
        var outstanding = new AtomicInteger();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measuredFrom = start + warmupCount * period;
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait); // late wake-ups send a burst; latency still counts from `due`
            }
            boolean measured = i >= warmupCount;
            outstanding.incrementAndGet();
            send.apply(i).subscribe(status -> {
                long now = System.nanoTime();
                if (measured) {
                    if (status == 200) {
                        recorder.recordValue(Math.min(MAX_LATENCY_US, (now - due) / 1000));
                        ok.incrementAndGet();
                        lastDone.accumulateAndGet(now, Math::max);
                    } else {
                        failed.incrementAndGet();
                    }
                }
                outstanding.decrementAndGet();
            }, error -> {
                if (measured) {
                    failed.incrementAndGet();
                }
                outstanding.decrementAndGet();
            });
        }
        awaitZero(outstanding, Duration.ofSeconds(20));
        long end = Math.max(start + total * period, lastDone.get());
        return new Result(rate, 0, ok.get(), failed.get() + outstanding.get(), ok.get() * 1e9 / (end - measuredFrom),
                recorder.getIntervalHistogram());
    }

    /** Keeps {@code concurrency} requests outstanding: the most the server answers, and the latency at that load. */
    public static Result closed(IntFunction<Mono<Integer>> send, int concurrency, Duration warmup, Duration measure) {
        var recorder = new Recorder(MAX_LATENCY_US, 3);
        var ok = new AtomicLong();
        var failed = new AtomicLong();
        var next = new AtomicInteger();
        var outstanding = new AtomicInteger();
        long start = System.nanoTime();
        long measuredFrom = start + warmup.toNanos();
        long end = measuredFrom + measure.toNanos();
        for (int c = 0; c < concurrency; c++) {
            chain(send, next, outstanding, recorder, ok, failed, measuredFrom, end);
        }
        LockSupport.parkNanos(end - System.nanoTime());
        awaitZero(outstanding, Duration.ofSeconds(20));
        return new Result(0, concurrency, ok.get(), failed.get(), ok.get() * 1e9 / measure.toNanos(),
                recorder.getIntervalHistogram());
    }

    private static void chain(IntFunction<Mono<Integer>> send, AtomicInteger next, AtomicInteger outstanding,
                              Recorder recorder, AtomicLong ok, AtomicLong failed, long measuredFrom, long end) {
        long sent = System.nanoTime();
        if (sent >= end) {
            return;
        }
        outstanding.incrementAndGet();
        send.apply(next.getAndIncrement()).subscribe(status -> {
            long now = System.nanoTime();
            if (sent >= measuredFrom && now <= end) {
                if (status == 200) {
                    recorder.recordValue(Math.min(MAX_LATENCY_US, (now - sent) / 1000));
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }
            outstanding.decrementAndGet();
            chain(send, next, outstanding, recorder, ok, failed, measuredFrom, end);
        }, error -> {
            if (sent >= measuredFrom) {
                failed.incrementAndGet();
            }
            outstanding.decrementAndGet();
            chain(send, next, outstanding, recorder, ok, failed, measuredFrom, end);
        });
    }

    private static void awaitZero(AtomicInteger outstanding, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
