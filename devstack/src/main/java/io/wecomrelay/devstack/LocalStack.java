package io.wecomrelay.devstack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.testkit.LocalKafka;
import io.wecomrelay.testkit.LocalRedis;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts everything the pipeline needs on this machine, and stops it all again on {@link #close()}. */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private final StackSettings settings;
    private String kafka = "";
    private String redisUrl = "";
    private @Nullable DifySimulator difySimulator;
    private BotRegistry bots = new BotRegistry(List.of());
    private Path botsFile = Path.of("bots.yaml");

    private LocalStack(StackSettings settings) {
        this.settings = settings;
    }

    public static LocalStack start(StackSettings settings) throws IOException, InterruptedException {
        var stack = new LocalStack(settings);
        try {
            stack.startInfrastructure();
            stack.startServices();
            return stack;
        } catch (IOException | InterruptedException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startInfrastructure() throws IOException {
        if (settings.kafka() != null && !settings.kafka().isBlank()) {
            kafka = settings.kafka();
        } else {
            LocalKafka broker = LocalKafka.start(settings.kafkaPort());
            resources.add(0, broker);
            kafka = broker.bootstrapServers();
        }
        LocalRedis redis = LocalRedis.start(settings.redisUrl());
        resources.add(0, redis);
        redisUrl = redis.url();
        String difyUrl = settings.difyBaseUrl();
        String difyKey = settings.difyApiKey();
        if (!settings.realDify()) {
            difySimulator = DifySimulator.start(DifySimulatorConfig.defaults().withPort(settings.difyPort())
                    .withCadence(8, Duration.ofMillis(400)));
            resources.add(0, difySimulator);
            difyUrl = difySimulator.baseUrl();
            difyKey = DifySimulatorConfig.DEFAULT_API_KEY;
        }
        botsFile = settings.botsFile() != null ? settings.botsFile() : DemoBots.write(settings.workDir(), difyUrl, difyKey);
        bots = new BotRegistryLoader(System::getenv).load(botsFile);
        log.info("infrastructure up kafka={} redisEmbedded={} dify={}", kafka, redis.isEmbedded(),
                settings.realDify() ? "configured" : "simulator");
    }

    private void startServices() throws IOException, InterruptedException {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka, "REDIS_URL", redisUrl,
                "WECOM_RELAY_BOTS_FILE", botsFile.toString());
        // Streams state belongs to this stack's broker: state left by another broker only causes restore errors.
        Path streamsState = settings.workDir().resolve("processor-state");
        deleteRecursively(streamsState);
        List<String> args = List.of("--spring.kafka.bootstrap-servers=" + kafka, "--spring.data.redis.url=" + redisUrl,
                "--relay.processor.streams.state-dir=" + streamsState);
        Path logs = settings.logToFiles() ? settings.workDir().resolve("logs") : null;
        for (Service service : Service.values()) {
            var serviceEnv = new HashMap<>(env);
            serviceEnv.putAll(settings.portEnvironment(service));
            ServiceProcess process = ServiceProcess.start(service, service.jar(settings.root()), settings.managementPort(service),
                    serviceEnv, args, logs);
            services.put(service, process);
        }
        for (ServiceProcess process : services.values()) {
            process.awaitHealthy(Duration.ofSeconds(180));
            log.info("service up name={} managementPort={}", process.service().module(), process.managementPort());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
    }

    /** The callback URL of a bot on this stack's ingress. */
    public String callbackUrl(String botId) {
        return "http://127.0.0.1:" + settings.callbackPort() + "/wecom/callback/" + botId;
    }

    /** Where a service's actuator is, e.g. {@code http://127.0.0.1:9081} + {@code /actuator/health}. */
    public String managementUrl(Service service) {
        return "http://127.0.0.1:" + settings.managementPort(service);
    }

    public List<BotConfig> bots() {
        return List.copyOf(bots.all());
    }

    public String kafkaBootstrapServers() {
        return kafka;
    }

    public String redisUrl() {
        return redisUrl;
    }

    /** The Dify simulator, when no real Dify is configured. */
    public @Nullable DifySimulator difySimulator() {
        return difySimulator;
    }

    /** Kills a service without a clean shutdown, as a crash would. */
    public void kill(Service service) throws InterruptedException {
        ServiceProcess process = services.remove(service);
        if (process != null) {
            process.kill();
        }
    }

    @Override
    public void close() {
        for (ServiceProcess process : services.values()) {
            process.close();
        }
        services.clear();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
    }
}
