package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.testkit.LocalRedis;
import io.wecomrelay.testkit.internal.LoopbackPorts;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one benchmark runs against: a fresh KRaft broker (its own JVM, {@link BrokerMain}), a fresh
 * embedded redis-server (or {@code BENCH_REDIS_URL}), and the services as {@code java -jar} processes
 * started from the jars {@code ./mvnw package} built, like the local stack starts them. Unlike the
 * local stack (C1 only, serial GC, 384 MB, for fast start-up) the services get the JVM settings of a
 * server: C2, the default collector (G1 here), a 1 GB heap.
 */
public final class BenchStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BenchStack.class);
    /** The services' JVM settings in every benchmark. */
    public static final List<String> SERVICE_JVM = List.of("-Xms256m", "-Xmx1g", "-Dfile.encoding=UTF-8");

    private final Path root;
    private final Path work;
    private final Path logs;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private String kafka = "";
    private ChildProcess broker;
    private String redisUrl = "";

    private BenchStack(Path root, Path work, Path logs) {
        this.root = root;
        this.work = work;
        this.logs = logs;
    }

    /** A broker and a Redis; services are added with {@link #service}. */
    public static BenchStack start(Path root, Path results, String name) throws IOException {
        Path work = results.resolve("work").resolve(name);
        deleteRecursively(work);
        Files.createDirectories(work);
        var stack = new BenchStack(root, work, results.resolve("logs").resolve(name));
        try {
            var broker = ChildProcess.mainWithAnnouncement("broker", List.of("-Xms512m", "-Xmx1g"),
                    BrokerMain.class.getName(), List.of(), "BOOTSTRAP", stack.logs, Duration.ofSeconds(90));
            stack.resources.add(0, broker.process());
            stack.broker = broker.process();
            stack.kafka = broker.value();
            String external = System.getenv("BENCH_REDIS_URL");
            LocalRedis redis = external != null && !external.isBlank() ? LocalRedis.start(external) : LocalRedis.startEmbedded();
            stack.resources.add(0, redis);
            stack.redisUrl = redis.url();
            log.info("{}: broker {} redis {}", name, stack.kafka, redis.isEmbedded() ? "embedded" : "external");
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public String kafka() {
        return kafka;
    }

    /** The broker's JVM (for its pid: the cpu benchmark reads its CPU time). */
    public ChildProcess broker() {
        return broker;
    }

    public String redisUrl() {
        return redisUrl;
    }

    public Path work() {
        return work;
    }

    public Path logs() {
        return logs;
    }

    /**
     * What to start: a module's executable jar with JVM options, extra environment and arguments, under
     * a name (its log, JFR and state files; the module's name unless two instances of a module run).
     */
    public record ServiceSpec(String name, String module, List<String> jvm, Map<String, String> env, List<String> args) {

        public ServiceSpec(String module, List<String> jvm, Map<String, String> env, List<String> args) {
            this(module, module, jvm, env, args);
        }

        public static ServiceSpec of(String module) {
            return new ServiceSpec(module, SERVICE_JVM, Map.of(), List.of());
        }
    }

    /**
     * Starts {@code module}'s executable jar on free ports with the stack's broker, Redis and bots
     * file, waits for {@code /actuator/health} on its management port, and returns it.
     */
    public Service service(String module, Path botsFile, List<String> jvm, Map<String, String> extraEnv,
                           List<String> extraArgs) throws IOException, InterruptedException {
        return services(botsFile, List.of(new ServiceSpec(module, jvm, extraEnv, extraArgs))).get(0);
    }

    /** Starts all of them at once (start-up overlaps), then waits until each is healthy. */
    public List<Service> services(Path botsFile, List<ServiceSpec> specs) throws IOException, InterruptedException {
        var started = new ArrayList<Service>();
        for (ServiceSpec spec : specs) {
            Path jar = root.resolve(spec.module()).resolve("target").resolve(spec.module() + "-0.1.0-SNAPSHOT-exec.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build with ./mvnw -DskipTests package");
            }
            // ingress: callbacks on one port, the actuator on another; the other services have only the management port
            int managementPort = freePort();
            int port = "ingress".equals(spec.module()) ? freePort() : managementPort;
            var env = new HashMap<String, String>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka, "REDIS_URL", redisUrl,
                    "WECOM_RELAY_BOTS_FILE", botsFile.toString()));
            env.putAll(extraEnv(spec.module()));
            env.putAll(spec.env());
            var args = new ArrayList<>(List.of("-jar", jar.toString(), "--server.port=" + port,
                    "--management.server.port=" + managementPort, "--spring.kafka.bootstrap-servers=" + kafka,
                    "--spring.data.redis.url=" + redisUrl,
                    "--relay.processor.streams.state-dir=" + work.resolve(spec.name() + "-state")));
            args.addAll(spec.args());
            var jvm = new ArrayList<>(spec.jvm());
            if ("1".equals(System.getenv("BENCH_JFR"))) {
                // profile of every service: bench/results/logs/<benchmark>/<module>.jfr (jfr print --events jdk.ExecutionSample)
                jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + logs.resolve(spec.name() + ".jfr"));
            }
            var process = ChildProcess.java(spec.name(), jvm, args, env, logs);
            resources.add(0, process);
            started.add(new Service(spec.name(), port, managementPort, process));
        }
        for (Service service : started) {
            service.process().awaitHttp200(service.managementUrl() + "/actuator/health", Duration.ofSeconds(240));
            log.info("{} up on port {} (management {}) pid {}", service.name(), service.port(), service.managementPort(),
                    service.process().pid());
        }
        return started;
    }

    /**
     * {@code BENCH_SERVICE_ENV="NAME=value,module:NAME=value"}: settings given to every service of every
     * benchmark (Spring's relaxed environment names, e.g. RELAY_RESPONDER_LISTENER_CONCURRENCY=6), or with a
     * {@code module:} prefix (e.g. {@code llm-worker:SPRING_KAFKA_PRODUCER_PROPERTIES_LINGER_MS=5}) to that module's
     * services only, for experiments with settings; the tables say when it was set.
     */
    public static Map<String, String> extraEnv() {
        return parseExtraEnv(System.getenv("BENCH_SERVICE_ENV"));
    }

    /** {@code spec} in {@code BENCH_SERVICE_ENV}'s form, by name (prefix included); null is none. */
    static Map<String, String> parseExtraEnv(@Nullable String spec) {
        var env = new java.util.LinkedHashMap<String, String>();
        if (spec != null) {
            for (String pair : spec.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        return env;
    }

    /** {@link #extraEnv()} as {@code module} gets it: the settings for every service, then its own without the prefix. */
    static Map<String, String> extraEnv(String module) {
        return extraEnv(module, extraEnv());
    }

    /** Of {@code all} (as {@link #parseExtraEnv} gives them), what {@code module} gets. */
    static Map<String, String> extraEnv(String module, Map<String, String> all) {
        var env = new java.util.LinkedHashMap<String, String>();
        var own = new java.util.LinkedHashMap<String, String>();
        all.forEach((name, value) -> {
            int colon = name.indexOf(':');
            if (colon < 0) {
                env.put(name, value);
            } else if (name.substring(0, colon).equals(module)) {
                own.put(name.substring(colon + 1), value);
            }
        });
        env.putAll(own);
        return env;
    }

    /** Stops a child before the stack closes (it is not stopped twice). */
    public void stop(ChildProcess process) {
        resources.remove(process);
        process.close();
    }

    /** Adds something to close with the stack (closed first). */
    public <T extends AutoCloseable> T own(T resource) {
        resources.add(0, resource);
        return resource;
    }

    /**
     * A running service, by its {@link ServiceSpec#name()}: {@code port} serves ingress's callbacks, {@code
     * managementPort} the actuator (the same port for the services without callbacks).
     */
    public record Service(String name, int port, int managementPort, ChildProcess process) {

        public String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        public String managementUrl() {
            return "http://127.0.0.1:" + managementPort;
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", resource, e.toString());
            }
        }
        resources.clear();
    }

    /**
     * Never a port handed out before in this JVM: a service binds its ports only once started, and the kernel offered
     * ingress's management port to llm-worker meanwhile (ingress then died during a pipeline run).
     */
    public static int freePort() {
        return LoopbackPorts.free();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
