package io.wecomrelay.devstack;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One of the five services, with the module it is built in and its default management port (root
 * README, "Ports"). Only ingress has a second port, the callback port; the others' management port is
 * their only HTTP server. The connector holds the long connections of {@code connection: long-connection} bots;
 * it is the one service a stack may run without ({@link #optional()}).
 */
public enum Service {
    INGRESS("ingress", 9080),
    PROCESSOR("processor", 9081),
    LLM_WORKER("llm-worker", 9082),
    RESPONDER("responder", 9083),
    CONNECTOR("connector", 9084);

    /** Ingress's default callback port ({@code SERVER_PORT}): only {@code /wecom/callback/{botId}}. */
    public static final int DEFAULT_CALLBACK_PORT = 8080;

    private final String module;
    private final int defaultManagementPort;

    Service(String module, int defaultManagementPort) {
        this.module = module;
        this.defaultManagementPort = defaultManagementPort;
    }

    /**
     * The service built in {@code module} ({@code ingress}, {@code processor}, {@code llm-worker}, {@code responder},
     * {@code connector}).
     */
    public static Service ofModule(String module) {
        return Arrays.stream(values()).filter(service -> service.module.equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown service " + module + "; one of "
                        + Arrays.stream(values()).map(Service::module).collect(Collectors.joining(", "))));
    }

    public String module() {
        return module;
    }

    /**
     * True for the connector: callback bots need no part of it, so a stack (the fault suites, whose bots are all
     * callback bots) may run it with 0 instances. Every other service is needed by every message.
     */
    public boolean optional() {
        return this == CONNECTOR;
    }

    /** The port of {@code /actuator/**} ({@code MANAGEMENT_PORT}). */
    public int defaultManagementPort() {
        return defaultManagementPort;
    }

    /** The executable jar {@code ./mvnw package} builds for this service. */
    public Path jar(Path repositoryRoot) {
        return repositoryRoot.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT-exec.jar");
    }
}
