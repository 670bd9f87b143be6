package io.wecomrelay.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/** One service running as {@code java -jar}, like compose runs it. */
final class ServiceProcess implements AutoCloseable {

    /**
     * As long as compose's {@code stop_grace_period} allows for the slowest stop: an llm-worker finishing its
     * running replies (revoke-drain and shutdown-grace, 20 s each) must not be killed half-way by the local stack.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(45);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final ServiceInstance instance;
    private final int managementPort;
    private final Process process;
    private final @Nullable Path log;

    private ServiceProcess(ServiceInstance instance, int managementPort, Process process, @Nullable Path log) {
        this.instance = instance;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code jar}; {@code env} carries its ports (MANAGEMENT_PORT, SERVER_PORT) like compose's environment.
     * The output is appended to {@code logDir/<instance>.log}, so a restarted instance's log keeps its earlier life.
     */
    static ServiceProcess start(ServiceInstance instance, Path jar, int managementPort, Map<String, String> env,
                                List<String> args, @Nullable Path logDir) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first with ./mvnw -DskipTests package");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dfile.encoding=UTF-8", "-jar", jar.toString()));
        command.addAll(args);
        var builder = new ProcessBuilder(command);
        // a SERVER_PORT exported in the developer's shell would move a service's only server off its management port
        builder.environment().keySet().removeAll(List.of("SERVER_PORT", "MANAGEMENT_PORT"));
        builder.environment().putAll(env);
        Path log = null;
        if (logDir == null) {
            builder.inheritIO();
        } else {
            Files.createDirectories(logDir);
            log = logDir.resolve(instance.name() + ".log");
            Files.writeString(log, "==== " + Instant.now() + " starting " + instance.name() + " (management port "
                    + managementPort + ")\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return new ServiceProcess(instance, managementPort, builder.start(), log);
    }

    ServiceInstance instance() {
        return instance;
    }

    int managementPort() {
        return managementPort;
    }

    /** Waits until {@code /actuator/health} answers 200 on the management port, or fails with the end of the service's log. */
    void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(instance.name() + " exited with code " + process.exitValue() + logTail());
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(instance.name() + " not healthy after " + timeout + logTail());
    }

    /** True when the process runs and {@code /actuator/health} answers 200 (UP) within 2 s. */
    boolean healthy() {
        if (!process.isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + managementPort + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening (yet), or no answer in time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks the process to shut down cleanly (SIGTERM) without waiting for it. */
    void requestStop() {
        process.destroy();
    }

    /**
     * Stops the process as the operating system would on shutdown: SIGTERM, then SIGKILL after {@link #STOP_GRACE}.
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process without letting it shut down, as a crash would: SIGKILL on Linux and macOS. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private String logTail() {
        if (log == null) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "; last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
