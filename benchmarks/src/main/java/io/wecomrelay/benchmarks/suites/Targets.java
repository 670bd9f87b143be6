package io.wecomrelay.benchmarks.suites;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.ChildProcess;
import io.wecomrelay.benchmarks.load.BaselineServer;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.SignedRequest;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import reactor.core.publisher.Mono;

/** Helpers the ingress-facing benchmarks share. */
final class Targets {

    private Targets() {
    }

    /**
     * Starts {@link BaselineServer} (the ingress benchmark's framework floor, the refresh benchmark's
     * baseline) with the same bots and JVM settings as ingress; returns its base URL.
     */
    static String startBaseline(BenchStack stack, Path botsFile, int refreshContentBytes) throws IOException {
        var started = ChildProcess.mainWithAnnouncement("baseline", BenchStack.SERVICE_JVM, BaselineServer.class.getName(),
                List.of("--bots", botsFile.toString(), "--refresh-content-bytes", Integer.toString(refreshContentBytes)),
                "LISTENING", stack.logs(), Duration.ofSeconds(60));
        stack.own(started.process());
        return "http://127.0.0.1:" + started.value();
    }

    /** The pipeline and cpu benchmarks' stack: the Dify simulator, the bots file pointing at it, the four services. */
    record Pipeline(DifySimulator sim, List<BenchBots.Bot> bots, List<BenchStack.Service> services) {
    }

    /**
     * Starts the Dify simulator (answers of {@code deltas} deltas every {@code cadence}), writes {@code botCount} bots
     * pointing at it and starts {@link #pipeline()}'s services on them.
     */
    static Pipeline startPipeline(BenchStack stack, int botCount, int deltas, Duration cadence, int requestLogCapacity)
            throws IOException, InterruptedException {
        DifySimulator sim = stack.own(DifySimulator.start(DifySimulatorConfig.defaults()
                .withCadence(deltas, cadence).withRequestLogCapacity(requestLogCapacity)));
        Path botsFile = stack.work().resolve("bots.yaml");
        List<BenchBots.Bot> bots = BenchBots.write(botsFile, botCount, sim.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY, 120);
        return new Pipeline(sim, bots, stack.services(botsFile, pipeline()));
    }

    /**
     * The four services of the pipeline as the pipeline and cpu benchmarks run them: defaults, except llm-worker's
     * max-in-flight of 2048 (500/s with replies of about a second keeps more open than the default 256).
     */
    static List<BenchStack.ServiceSpec> pipeline() {
        return List.of(BenchStack.ServiceSpec.of("ingress"), BenchStack.ServiceSpec.of("processor"),
                new BenchStack.ServiceSpec("llm-worker", BenchStack.SERVICE_JVM,
                        java.util.Map.of("RELAY_WORKER_CONSUMER_MAX_IN_FLIGHT", "2048"), List.of()),
                BenchStack.ServiceSpec.of("responder"));
    }

    /** Sends request {@code i % pool} and maps the answer to its status (200 only with a body). */
    static Mono<Integer> send(LoadClient client, List<SignedRequest> pool, int i) {
        return client.post(pool.get(i % pool.size()))
                .map(answer -> answer.status() == 200 && answer.body().length == 0 ? 204 : answer.status());
    }
}
