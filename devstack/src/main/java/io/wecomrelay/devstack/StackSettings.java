package io.wecomrelay.devstack;

import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the local stack needs to know. Environment: {@code KAFKA_BOOTSTRAP_SERVERS} (use an existing
 * broker), {@code REDIS_URL}, {@code DIFY_BASE_URL} + {@code DIFY_API_KEY} (a real Dify instead of
 * the simulator).
 *
 * @param root       the repository root (where the service modules are)
 * @param workDir    where the stack keeps its bots file, logs and broker data
 * @param botsFile   a bots file to use instead of the generated demo bot
 * @param ports      HTTP port per service
 * @param logToFiles true to write each service's output to {@code workDir/logs}, false to inherit the console
 */
public record StackSettings(Path root, Path workDir, @Nullable Path botsFile, Map<Service, Integer> ports,
                            @Nullable String kafka, @Nullable String redisUrl, @Nullable String difyBaseUrl,
                            @Nullable String difyApiKey, int kafkaPort, int difyPort, boolean logToFiles) {

    public StackSettings {
        ports = Map.copyOf(ports);
    }

    public int port(Service service) {
        return ports.getOrDefault(service, service.defaultPort());
    }

    public boolean realDify() {
        return difyBaseUrl != null && !difyBaseUrl.isBlank() && difyApiKey != null && !difyApiKey.isBlank();
    }
}
