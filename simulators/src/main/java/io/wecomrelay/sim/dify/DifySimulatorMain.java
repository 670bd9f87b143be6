package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link DifySimulator} until the JVM is stopped. Options: {@code --port N} (default 0,
 * random), {@code --api-key KEY} (repeatable, default {@value DifySimulatorConfig#DEFAULT_API_KEY}),
 * {@code --delta-delay-ms N}, {@code --deltas N}, {@code --ping-ms N}, {@code --pause-ms N},
 * {@code --scenario NAME} (a directive name such as {@code error-mid}).
 */
public final class DifySimulatorMain {

    private DifySimulatorMain() {
    }

    public static void main(String[] args) {
        // before the first logger exists; an explicit -Dlogback.configurationFile still wins
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "simulators-logback.xml");
        }
        var options = Options.parse(args);
        var simulator = DifySimulator.start(options.config());
        var scenario = options.scenario();
        if (scenario != null) simulator.scenario(scenario);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "dify-sim-shutdown"));
        simulator.awaitClose();
    }

    private record Options(DifySimulatorConfig config, @Nullable Scenario scenario) {

        static Options parse(String[] args) {
            var config = DifySimulatorConfig.defaults();
            List<String> keys = new ArrayList<>();
            Scenario scenario = null;
            for (int i = 0; i < args.length; i++) {
                var name = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + name);
                var value = args[++i];
                switch (name) {
                    case "--port" -> config = config.withPort(Integer.parseInt(value));
                    case "--api-key" -> keys.add(value);
                    case "--delta-delay-ms" -> config = config.withCadence(config.deltaCount(),
                            Duration.ofMillis(Long.parseLong(value)));
                    case "--deltas" -> config = config.withCadence(Integer.parseInt(value), config.deltaDelay());
                    case "--ping-ms" -> config = config.withPause(config.pause(), Duration.ofMillis(Long.parseLong(value)));
                    case "--pause-ms" -> config = config.withPause(Duration.ofMillis(Long.parseLong(value)),
                            config.pingInterval());
                    case "--scenario" -> scenario = Scenario.fromDirective(value)
                            .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + value));
                    default -> throw new IllegalArgumentException("unknown option " + name
                            + "; known: --port --api-key --delta-delay-ms --deltas --ping-ms --pause-ms --scenario");
                }
            }
            if (!keys.isEmpty()) config = config.withApiKeys(keys.toArray(String[]::new));
            return new Options(config, scenario);
        }
    }
}
