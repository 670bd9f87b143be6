package io.wecomrelay.devstack;

import java.nio.file.Path;

/** One of the four services, with the module it is built in and the port its HTTP server uses. */
public enum Service {
    INGRESS("ingress", 8080),
    PROCESSOR("processor", 8081),
    LLM_WORKER("llm-worker", 8082),
    RESPONDER("responder", 8083);

    private final String module;
    private final int defaultPort;

    Service(String module, int defaultPort) {
        this.module = module;
        this.defaultPort = defaultPort;
    }

    public String module() {
        return module;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The executable jar {@code ./mvnw package} builds for this service. */
    public Path jar(Path repositoryRoot) {
        return repositoryRoot.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT-exec.jar");
    }
}
