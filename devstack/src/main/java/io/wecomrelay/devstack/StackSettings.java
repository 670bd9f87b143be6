package io.wecomrelay.devstack;

import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the local stack needs to know. Environment: {@code KAFKA_BOOTSTRAP_SERVERS} (use an existing
 * broker), {@code REDIS_URL}, {@code DIFY_BASE_URL} + {@code DIFY_API_KEY} (a real Dify instead of
 * the simulator).
 *
 * @param root            the repository root (where the service modules are)
 * @param workDir         where the stack keeps its bots file, logs and broker data
 * @param botsFile        a bots file to use instead of the generated demo bot
 * @param callbackPort    ingress's callback port (its SERVER_PORT)
 * @param managementPorts actuator port per service (MANAGEMENT_PORT); a missing service gets its default
 * @param logToFiles      true to write each service's output to {@code workDir/logs}, false to inherit the console
 */
public record StackSettings(Path root, Path workDir, @Nullable Path botsFile, int callbackPort,
                            Map<Service, Integer> managementPorts, @Nullable String kafka, @Nullable String redisUrl, @Nullable String difyBaseUrl,
                            @Nullable String difyApiKey, int kafkaPort, int difyPort, boolean logToFiles) {

    public StackSettings {
        managementPorts = Map.copyOf(managementPorts);
    }

    public int managementPort(Service service) {
        return managementPorts.getOrDefault(service, service.defaultManagementPort());
    }

    /** The ports as the services read them: MANAGEMENT_PORT, and SERVER_PORT for ingress's callbacks. */
    Map<String, String> portEnvironment(Service service) {
        String management = Integer.toString(managementPort(service));
        return service == Service.INGRESS
                ? Map.of("SERVER_PORT", Integer.toString(callbackPort), "MANAGEMENT_PORT", management)
                : Map.of("MANAGEMENT_PORT", management);
    }

    public boolean realDify() {
        return difyBaseUrl != null && !difyBaseUrl.isBlank() && difyApiKey != null && !difyApiKey.isBlank();
    }
}
