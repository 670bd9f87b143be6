package io.wecomrelay.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.testkit.Directories;
import io.wecomrelay.testkit.LocalKafka;
import io.wecomrelay.testkit.LocalRedis;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts everything the pipeline needs on this machine, and stops it all again on {@link #close()}. */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    /** Eight JVMs starting at once on a shared 2-core machine have taken over 3 minutes. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(6);
    /** Services' settings of WeCom's API base URL; one of them in the stack's service environment starts no simulator. */
    static final List<String> WECOM_API_SETTINGS = List.of("RELAY_WORKER_APP_WECOMAPIBASEURL",
            "RELAY_RESPONDER_DELIVERY_WECOMAPIBASEURL");

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<ServiceInstance, ServiceProcess> services = new LinkedHashMap<>();
    private final StackSettings settings;
    private boolean closed;
    private String kafka = "";
    private String redisUrl = "";
    private @Nullable DifySimulator difySimulator;
    private @Nullable LongConnectionSimulator longConnectionSimulator;
    private String longConnectionUrl = "";
    private @Nullable WeComApiSimulator wecomApiSimulator;
    private BotRegistry bots = new BotRegistry(List.of());
    private Path botsFile = Path.of("bots.yaml");

    private LocalStack(StackSettings settings) {
        this.settings = settings;
    }

    /** Starts everything and waits until every service is healthy. */
    public static LocalStack start(StackSettings settings) throws IOException, InterruptedException {
        var stack = create(settings);
        stack.start();
        return stack;
    }

    /**
     * A stack that has started nothing yet, so that {@link #close()} can be armed (a shutdown hook, a signal handler)
     * before {@link #start()}: closed while starting, it stops what runs and starts nothing more.
     */
    public static LocalStack create(StackSettings settings) {
        return new LocalStack(settings);
    }

    public void start() throws IOException, InterruptedException {
        try {
            startInfrastructure();
            startServices();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startInfrastructure() throws IOException {
        if (settings.kafka() != null && !settings.kafka().isBlank()) {
            kafka = settings.kafka();
        } else {
            LocalKafka broker = own(LocalKafka.start(settings.kafkaPort()));
            kafka = broker.bootstrapServers();
        }
        LocalRedis redis = own(LocalRedis.start(settings.redisUrl()));
        redisUrl = redis.url();
        String difyUrl = settings.difyBaseUrl();
        String difyKey = settings.difyApiKey();
        if (!settings.realDify()) {
            DifySimulator simulator = own(DifySimulator.start(DifySimulatorConfig.defaults().withPort(settings.difyPort())
                    .withCadence(8, Duration.ofMillis(400))));
            difySimulator = simulator;
            difyUrl = simulator.baseUrl();
            difyKey = DifySimulatorConfig.DEFAULT_API_KEY;
        }
        botsFile = settings.botsFile() != null ? settings.botsFile() : DemoBots.write(settings.workDir(), difyUrl, difyKey);
        bots = new BotRegistryLoader(System::getenv).load(botsFile);
        startLongConnection();
        startWecomApi();
        log.info("infrastructure up kafka={} redisEmbedded={} dify={} longConnection={} wecomApi={}", kafka,
                redis.isEmbedded(), settings.realDify() ? "configured" : "simulator", settings.realLongConnection()
                        ? "configured" : longConnectionSimulator != null ? "simulator" : "none",
                wecomApiSimulator != null ? "simulator" : "default");
    }

    /**
     * WeCom's API for self-built apps: with an app in the bots file, and WeCom's API not configured for the services
     * ({@link #WECOM_API_SETTINGS} in the services' environment), the stack's WeCom API simulator. It knows every app
     * of the file (CorpID, AgentId, Secret) and every webhook key, as the file was at start. The llm-worker's
     * {@code gettoken} and {@code media/get} and the responder's {@code gettoken}, {@code message/send} and webhook
     * sends all go there: the two services share each app's access token in Redis, so they must call one WeCom.
     */
    private void startWecomApi() {
        if (bots.all().stream().noneMatch(BotConfig::isApp)
                || WECOM_API_SETTINGS.stream().anyMatch(settings.serviceEnvironment()::containsKey)) {
            return;
        }
        WeComApiSimulator simulator = own(WeComApiSimulator.start());
        for (BotConfig bot : bots.all()) {
            if (bot.isApp()) {
                simulator.apps().addApp(bot.app().corpId(), bot.app().secret().reveal(), bot.app().agentId());
            }
            if (bot.webhookKey() != null) {
                simulator.addWebhookKey(bot.webhookKey().reveal());
            }
        }
        wecomApiSimulator = simulator;
    }

    /** Where the services call WeCom's API: the stack's simulator when it runs, otherwise nothing is set here. */
    private Map<String, String> wecomApiEnvironment() {
        if (wecomApiSimulator == null) {
            return Map.of();
        }
        String base = wecomApiSimulator.baseUrl();
        // response_urls of real WeCom messages stay allowed
        return Map.of("RELAY_WORKER_APP_WECOMAPIBASEURL", base, "RELAY_WORKER_APP_ALLOWEDHOSTS", base,
                "RELAY_RESPONDER_DELIVERY_WECOMAPIBASEURL", base,
                "RELAY_RESPONDER_DELIVERY_ALLOWEDHOSTS", base + ",qyapi.weixin.qq.com");
    }

    /**
     * WeCom's long-connection server for the connector: the one WECOM_LONG_CONNECTION_URL names, otherwise the
     * simulator, which accepts every long-connection bot of the bots file with its secret (as configured at start;
     * a bot added to the file later is refused by the simulator until the stack restarts).
     */
    private void startLongConnection() {
        if (settings.realLongConnection()) {
            longConnectionUrl = settings.longConnectionUrl();
            return;
        }
        if (settings.instanceCount(Service.CONNECTOR) == 0) {
            return;
        }
        LongConnectionSimulator simulator = own(LongConnectionSimulator.start(java.time.Clock.systemUTC(),
                LongConnectionSimulator.Settings.defaults(), settings.longConnectionPort()));
        bots.all().stream().filter(BotConfig::longConnection)
                .forEach(bot -> simulator.addBot(bot.id(), bot.secret().reveal()));
        longConnectionSimulator = simulator;
        longConnectionUrl = simulator.url();
    }

    /** Keeps a started resource for {@link #close()}; closes it at once when the stack was closed meanwhile. */
    private synchronized <T extends AutoCloseable> T own(T resource) {
        if (closed) {
            closeQuietly(resource);
            throw new IllegalStateException("local stack stopped while starting");
        }
        resources.add(0, resource);
        return resource;
    }

    private void startServices() throws IOException, InterruptedException {
        // Streams state belongs to this stack's broker: state left by another broker only causes restore errors.
        Directories.deleteRecursively(settings.workDir().resolve("processor-state"));
        for (ServiceInstance instance : settings.allInstances()) {
            if (settings.logToFiles()) {
                Files.deleteIfExists(logDir().resolve(instance.name() + ".log"));
            }
            launch(instance);
        }
        for (ServiceProcess process : running()) {
            awaitHealthy(process);
        }
    }

    private synchronized List<ServiceProcess> running() {
        return List.copyOf(services.values());
    }

    private synchronized void launch(ServiceInstance instance) throws IOException {
        if (closed) {
            throw new IllegalStateException("local stack stopped while starting");
        }
        var env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka, "REDIS_URL", redisUrl,
                "WECOM_RELAY_BOTS_FILE", botsFile.toString()));
        if (!longConnectionUrl.isEmpty()) {
            env.put("WECOM_LONG_CONNECTION_URL", longConnectionUrl);
        }
        env.putAll(wecomApiEnvironment());
        env.putAll(settings.serviceEnvironment());
        env.putAll(settings.instanceEnvironment(instance));
        var args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + kafka, "--spring.data.redis.url=" + redisUrl));
        if (instance.service() == Service.PROCESSOR) {
            // one directory per instance: Kafka Streams keeps its process id and task locks there
            args.add("--relay.processor.streams.state-dir=" + stateDir(instance));
            // shows which instance holds which partitions (kafka-consumer-groups --describe, the fault suite)
            args.add("--spring.kafka.streams.client-id=" + instance.name());
        }
        Service service = instance.service();
        services.put(instance, ServiceProcess.start(instance, service.jar(settings.root()),
                settings.ports().managementPort(instance), env, args, settings.logToFiles() ? logDir() : null));
    }

    private static void awaitHealthy(ServiceProcess process) throws InterruptedException {
        process.awaitHealthy(HEALTH_TIMEOUT);
        log.info("service up instance={} managementPort={}", process.instance().name(), process.managementPort());
    }

    private Path logDir() {
        return settings.workDir().resolve("logs");
    }

    /** A restarted processor finds its state again, as on a persistent volume. */
    private Path stateDir(ServiceInstance processor) {
        return settings.workDir().resolve("processor-state").resolve(processor.name());
    }

    /** The callback URL of a bot on this stack's first ingress instance. */
    public String callbackUrl(String botId) {
        return callbackUrl(instances(Service.INGRESS).get(0), botId);
    }

    /**
     * The callback URL of a bot on one ingress instance; every instance answers every bot. A self-built app's is
     * {@code /wecom/app/{botId}}, an AI bot's {@code /wecom/callback/{botId}}.
     */
    public String callbackUrl(ServiceInstance ingress, String botId) {
        boolean app = bots.find(botId).map(BotConfig::isApp).orElse(false);
        return callbackOrigin(ingress) + (app ? "/wecom/app/" : "/wecom/callback/") + botId;
    }

    /** {@code http://127.0.0.1:PORT} of an ingress instance's callback port. */
    public String callbackOrigin(ServiceInstance ingress) {
        if (ingress.service() != Service.INGRESS) {
            throw new IllegalArgumentException(ingress + " takes no callbacks");
        }
        return "http://127.0.0.1:" + settings.ports().callbackPort(ingress);
    }

    /** Where an instance's actuator is, e.g. {@code http://127.0.0.1:9081} + {@code /actuator/health}. */
    public String managementUrl(ServiceInstance instance) {
        return "http://127.0.0.1:" + settings.ports().managementPort(instance);
    }

    /** The configured instances of a service, running or not. */
    public List<ServiceInstance> instances(Service service) {
        return settings.instancesOf(service);
    }

    /** Every configured instance, running or not, service by service. */
    public List<ServiceInstance> allInstances() {
        return settings.allInstances();
    }

    /** True when the instance runs and its {@code /actuator/health} answers UP. */
    public boolean isHealthy(ServiceInstance instance) {
        ServiceProcess process;
        synchronized (this) {
            process = services.get(instance);
        }
        return process != null && process.healthy();
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

    /** The long-connection simulator the connector talks to, unless WECOM_LONG_CONNECTION_URL names another server. */
    public @Nullable LongConnectionSimulator longConnectionSimulator() {
        return longConnectionSimulator;
    }

    /** The WeCom API simulator the llm-worker and the responder call for self-built apps, when the stack started one. */
    public @Nullable WeComApiSimulator wecomApiSimulator() {
        return wecomApiSimulator;
    }

    /** Where the connector's long connections go ({@code WECOM_LONG_CONNECTION_URL}); empty without a connector. */
    public String longConnectionUrl() {
        return longConnectionUrl;
    }

    /** Kills an instance without a clean shutdown (SIGKILL), as a crash would. */
    public synchronized void kill(ServiceInstance instance) throws InterruptedException {
        ServiceProcess process = services.remove(instance);
        if (process == null) {
            throw new IllegalStateException(instance + " is not running");
        }
        process.kill();
    }

    /**
     * Starts an instance that was {@linkplain #kill killed} again, with the same ports, environment, log file and
     * (processor) state directory, and waits until it is healthy.
     */
    public void restart(ServiceInstance instance) throws IOException, InterruptedException {
        ServiceProcess process;
        synchronized (this) {
            if (services.containsKey(instance)) {
                throw new IllegalStateException(instance + " is still running");
            }
            launch(instance);
            process = services.get(instance);
        }
        awaitHealthy(process);
    }

    @Override
    public synchronized void close() {
        closed = true;
        // all at once: each instance may take seconds to shut down cleanly
        services.values().forEach(ServiceProcess::requestStop);
        services.values().forEach(ServiceProcess::close);
        services.clear();
        resources.forEach(LocalStack::closeQuietly);
        resources.clear();
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("stopping {} failed: {}", resource.getClass().getSimpleName(), e.toString());
        }
    }
}
