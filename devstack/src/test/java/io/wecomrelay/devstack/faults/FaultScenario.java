package io.wecomrelay.devstack.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;

import io.wecomrelay.devstack.Service;
import io.wecomrelay.devstack.ServiceInstance;
import io.wecomrelay.testkit.TestInfrastructure;
import org.jspecify.annotations.Nullable;

/**
 * One fault run: a {@link PipelineUnderLoad} against the test JVM's broker and Redis, and one instance of each
 * service SIGKILLed in turn while replies stream, then started again. Every wait is bounded; the run ends by itself.
 */
final class FaultScenario implements SuiteRun.Scenario<FaultResults> {

    /** Traffic meets the dead instance this long before it is started again. */
    private static final Duration DOWN = Duration.ofSeconds(5);
    private static final Duration MID_STREAM = Duration.ofMinutes(1);
    /** Covers a consumer group noticing a dead member (session.timeout.ms, 45 s) and the backlog after it. */
    private static final Duration SETTLE = Duration.ofMinutes(3);

    private @Nullable PipelineUnderLoad pipeline;

    @Override
    public FaultResults run() throws IOException, InterruptedException {
        PipelineUnderLoad pipeline = new PipelineUnderLoad("faults", TestInfrastructure.kafkaBootstrapServers(),
                TestInfrastructure.redisUrl());
        this.pipeline = pipeline;
        var victims = new Victims(pipeline.stack(), pipeline.topics(), pipeline.bots());
        pipeline.startLoad();
        var kills = new ArrayList<FaultResults.Kill>();
        for (Service service : PipelineUnderLoad.SERVICES) {
            PipelineUnderLoad.await(MID_STREAM, () -> pipeline.dify().openStreams() >= 2);
            ServiceInstance victim = victims.choose(service);
            int inFlight = service == Service.LLM_WORKER ? victims.workerInFlight(victim) : 0;
            int open = pipeline.dify().openStreams();
            Duration at = pipeline.elapsed();
            pipeline.stack().kill(victim);
            Thread.sleep(DOWN.toMillis());
            long restarting = System.nanoTime();
            pipeline.stack().restart(victim);
            long restarted = System.nanoTime();
            int unsettled = pipeline.awaitSettled(SETTLE, pipeline.ledger().sentCount()).size();
            kills.add(new FaultResults.Kill(victim, at, open, inFlight, Duration.ofNanos(restarted - restarting),
                    Duration.ofNanos(System.nanoTime() - restarted), unsettled));
        }
        PipelineCounts counts = pipeline.stopAndCount(SETTLE);
        return new FaultResults(PipelineUnderLoad.INSTANCES, pipeline.elapsed(), kills, counts);
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
