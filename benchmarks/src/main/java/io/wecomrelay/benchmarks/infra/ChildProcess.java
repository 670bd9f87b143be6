package io.wecomrelay.benchmarks.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the harness started: a service's executable jar, the broker, the baseline server or the Dify
 * simulator. Every child is stopped when the harness exits, also on Ctrl-C.
 */
public final class ChildProcess implements AutoCloseable {

    private static final List<ChildProcess> RUNNING = new CopyOnWriteArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ChildProcess::close), "stop-children"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java jvmOptions... arguments...}, output to {@code logDir/name.log}. */
    public static ChildProcess java(String name, List<String> jvmOptions, List<String> arguments, Map<String, String> env,
                                    Path logDir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<String>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(arguments);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        var child = new ChildProcess(name, builder.start(), log);
        RUNNING.add(child);
        return child;
    }

    /** Starts a main class of the benchmarks classpath whose first output line is {@code prefix value}; returns it with the value. */
    public static Started mainWithAnnouncement(String name, List<String> jvmOptions, String mainClass, List<String> args,
                                               String prefix, Path logDir, Duration timeout) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<String>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        var builder = new ProcessBuilder(command).redirectError(log.toFile());
        var child = new ChildProcess(name, builder.start(), log);
        RUNNING.add(child);
        var reader = new BufferedReader(new InputStreamReader(child.process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith(prefix + " ")) {
                // drain the rest of stdout so the child never blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        while (reader.readLine() != null) {
                            // discard
                        }
                    } catch (IOException e) {
                        // child gone
                    }
                }, name + "-stdout");
                drain.setDaemon(true);
                drain.start();
                return new Started(child, line.substring(prefix.length() + 1).trim());
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        child.close();
        throw new IllegalStateException(name + " did not start; see " + log);
    }

    public record Started(ChildProcess process, String value) {
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    /** Resident set size from {@code /proc/<pid>/status} (VmRSS), in KiB; -1 if unavailable. */
    public long rssKiB() {
        return statusKiB(process.pid(), "VmRSS:");
    }

    /** A KiB field of {@code /proc/<pid>/status} (VmRSS, VmHWM, ...); -1 if unavailable. */
    static long statusKiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux or gone
        }
        return -1;
    }

    /** Waits until {@code url} answers 200. */
    public void awaitHttp200(String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not healthy at " + url + " after " + timeout + "; see " + log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        RUNNING.remove(this);
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close(); // children that wait on stdin stop cleanly
        } catch (IOException e) {
            // ignore
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
