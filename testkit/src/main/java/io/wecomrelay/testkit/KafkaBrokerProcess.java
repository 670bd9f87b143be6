package io.wecomrelay.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.testkit.internal.LoopbackPorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker in a child JVM that can be stopped and started again, as an operator restarts a
 * broker: its ports are fixed and its log directory outlives it, so clients reconnect to the same address and
 * find their topics, offsets and transactions again. {@link LocalKafka} lives inside the test JVM and cannot be
 * restarted in place. Configured like {@link LocalKafka} ({@link LocalKafka#SINGLE_BROKER_SETTINGS}); the child
 * runs Kafka's own {@code kafka.Kafka} from this JVM's class path, its output appended to {@code dir/broker.log}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBrokerProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path properties;
    private final String bootstrapServers;
    private @Nullable Process process;

    private KafkaBrokerProcess(Path dir, Path properties, String bootstrapServers) {
        this.dir = dir;
        this.properties = properties;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a new log directory under {@code dir} (emptied first), starts the broker and waits until it answers. */
    public static KafkaBrokerProcess start(Path dir) throws IOException, InterruptedException {
        Directories.deleteRecursively(dir);
        Files.createDirectories(dir);
        int port = LoopbackPorts.free();
        int controllerPort = LoopbackPorts.free();
        var settings = new TreeMap<>(LocalKafka.SINGLE_BROKER_SETTINGS);
        settings.putAll(Map.of("process.roles", "broker,controller", "node.id", "1",
                "controller.quorum.voters", "1@127.0.0.1:" + controllerPort,
                "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners", "PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.listener.names", "CONTROLLER", "inter.broker.listener.name", "PLAINTEXT",
                "log.dirs", dir.resolve("logs").toAbsolutePath().toString(), "num.partitions", "1"));
        var text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path properties = Files.writeString(dir.resolve("server.properties"), text, StandardCharsets.UTF_8);
        var broker = new KafkaBrokerProcess(dir, properties, "127.0.0.1:" + port);
        broker.format();
        broker.startAgain();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "stop-kafka-broker-process"));
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker cleanly (SIGTERM), waiting until it has exited; its log directory stays. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            log.warn("broker did not stop within {}; killing it", STOP_TIMEOUT);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
        log.info("kafka broker process stopped at {}", bootstrapServers);
    }

    /** Starts the broker again on the same ports and log directory after {@link #stop()}, and waits until it answers. */
    public synchronized void startAgain() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("the broker is running");
        }
        process = java(List.of("kafka.Kafka", properties.toString()));
        awaitReady(process);
        log.info("kafka broker process ready at {}", bootstrapServers);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void format() throws IOException, InterruptedException {
        Process format = java(List.of("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", properties.toString()));
        if (!format.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's log directory failed; see " + logFile());
        }
    }

    /**
     * A cluster id in Kafka's form (16 random bytes, URL-safe Base64 without padding) from Kafka itself, which never
     * gives one that starts with '-': the storage tool would read such an id as an option (one format in 64 failed so).
     */
    private static String clusterId() {
        return Uuid.randomUuid().toString();
    }

    private Process java(List<String> mainAndArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
    }

    private void awaitReady(Process broker) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException("the broker exited with code " + broker.exitValue() + "; see " + logFile());
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    Thread.sleep(500);
                }
            }
        }
        throw new IllegalStateException("the broker did not answer within " + READY_TIMEOUT + "; see " + logFile());
    }

    private Path logFile() {
        return dir.resolve("broker.log");
    }
}
