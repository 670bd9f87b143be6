package io.wecomrelay.devstack.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.wecomrelay.devstack.ServiceInstance;
import io.wecomrelay.testkit.KafkaBrokerProcess;
import io.wecomrelay.testkit.LocalRedis;
import org.jspecify.annotations.Nullable;

/**
 * One outage run: a {@link PipelineUnderLoad} against a Redis and a broker of its own (never the machine's), and
 * three outages in turn under the steady traffic, each followed by a settle: Redis SIGKILLed for
 * {@link #SHORT_REDIS} and started again with its append-only file, the same for {@link #LONG_REDIS}, then the
 * broker stopped for {@link #BROKER_DOWN} and started again on its port and log directory. No service is ever
 * restarted: each must recover by itself. Every wait is bounded; the run ends by itself.
 */
final class OutageScenario implements SuiteRun.Scenario<OutageResults> {

    static final String SUITE = "outages";
    static final Duration SHORT_REDIS = Duration.ofSeconds(30);
    static final Duration LONG_REDIS = Duration.ofSeconds(120);
    static final Duration BROKER_DOWN = Duration.ofSeconds(30);
    /** Covers the backlog an outage leaves and a consumer group's rebalance after it; a user follows a stream 4 min. */
    private static final Duration SETTLE = Duration.ofMinutes(5);
    private static final Duration HEALTHY = Duration.ofMinutes(3);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private @Nullable PipelineUnderLoad pipeline;

    @Override
    public OutageResults run() throws IOException, InterruptedException {
        Path workDir = PipelineUnderLoad.workDir(SUITE);
        LocalRedis redis = open(LocalRedis.startEmbeddedWithAof(workDir.resolve("redis")));
        KafkaBrokerProcess broker = open(KafkaBrokerProcess.start(workDir.resolve("kafka")));
        PipelineUnderLoad running = open(new PipelineUnderLoad(SUITE, broker.bootstrapServers(), redis.url()));
        pipeline = running;
        running.startLoad();
        var outages = new ArrayList<OutageResults.Outage>();
        outages.add(outage(running, "Redis SIGKILLed", SHORT_REDIS, redis::kill, redis::startAgain));
        outages.add(outage(running, "Redis SIGKILLed", LONG_REDIS, redis::kill, redis::startAgain));
        outages.add(outage(running, "Kafka broker stopped", BROKER_DOWN, broker::stop, broker::startAgain));
        PipelineCounts counts = running.stopAndCount(SETTLE);
        return new OutageResults(running.elapsed(), outages, counts);
    }

    /**
     * Takes the infrastructure down for {@code down} under the traffic and brings it back, then waits (bounded) for
     * ingress to acknowledge a message again, for every instance to report UP and for every reply to messages sent
     * until then to complete.
     */
    private static OutageResults.Outage outage(PipelineUnderLoad pipeline, String what, Duration down, Step stop, Step start)
            throws IOException, InterruptedException {
        Duration at = pipeline.elapsed();
        Map<String, Long> before = pipeline.front().outcomes();
        stop.run();
        Thread.sleep(down.toMillis());
        Map<String, Long> during = since(before, pipeline.front().outcomes());
        start.run();
        long back = System.nanoTime();
        int sentWhenBack = pipeline.ledger().sentCount();
        boolean accepting = PipelineUnderLoad.await(SETTLE, () -> pipeline.ledger().sent().stream().skip(sentWhenBack)
                .anyMatch(SentMessage::acknowledged));
        Duration acceptingAgain = accepting ? Duration.ofNanos(System.nanoTime() - back) : null;
        List<ServiceInstance> unhealthy = pipeline.awaitAllHealthy(HEALTHY);
        Duration healthyAgain = Duration.ofNanos(System.nanoTime() - back);
        List<String> unsettled = pipeline.awaitSettled(SETTLE, pipeline.ledger().sentCount()).stream()
                .map(message -> message.bot().mode().wireName() + " " + message.streamId()).toList();
        return new OutageResults.Outage(what, at, down, during, acceptingAgain, healthyAgain, unhealthy,
                Duration.ofNanos(System.nanoTime() - back), unsettled);
    }

    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> now) {
        var counts = new TreeMap<String, Long>();
        now.forEach((key, count) -> {
            long delta = count - before.getOrDefault(key, 0L);
            if (delta > 0) {
                counts.put(key, delta);
            }
        });
        return counts;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + resources.get(i) + " failed: " + e);
            }
        }
        resources.clear();
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Taking the infrastructure down or bringing it back. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException, InterruptedException;
    }
}
