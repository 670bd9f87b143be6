package io.wecomrelay.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the local stack needs to know. Environment: {@code KAFKA_BOOTSTRAP_SERVERS} (use an existing
 * broker), {@code REDIS_URL}, {@code DIFY_BASE_URL} + {@code DIFY_API_KEY} (a real Dify instead of
 * the simulator).
 *
 * @param root               the repository root (where the service modules are)
 * @param workDir            where the stack keeps its bots file, logs and the processors' state
 * @param botsFile           a bots file to use instead of the generated demo bot
 * @param instances          how many instances of each service run; a missing service runs once, an
 *                           {@linkplain Service#optional() optional} one may be given 0 (not started)
 * @param ports              the callback and management ports of each instance
 * @param longConnectionUrl  WeCom's long-connection endpoint for the connector ({@code WECOM_LONG_CONNECTION_URL});
 *                           null to start the long-connection simulator and point the connector at it
 * @param longConnectionPort the long-connection simulator's port (0: any free one)
 * @param serviceEnvironment extra environment of every service (e.g. a setting a test needs), over the stack's own
 * @param logToFiles         true to write each instance's output to {@code workDir/logs/<instance>.log}, false to
 *                           inherit the console
 */
public record StackSettings(Path root, Path workDir, @Nullable Path botsFile, Map<Service, Integer> instances,
                            PortScheme ports, @Nullable String kafka, @Nullable String redisUrl, @Nullable String difyBaseUrl,
                            @Nullable String difyApiKey, int kafkaPort, int difyPort, @Nullable String longConnectionUrl,
                            int longConnectionPort, Map<String, String> serviceEnvironment, boolean logToFiles) {

    public StackSettings {
        instances = Map.copyOf(instances);
        instances.forEach((service, count) -> {
            int least = service.optional() ? 0 : 1;
            if (count < least || count > PortScheme.MAX_INSTANCES) {
                throw new IllegalArgumentException(service.module() + ": between " + least + " and "
                        + PortScheme.MAX_INSTANCES + " instances, not " + count);
            }
        });
        serviceEnvironment = Map.copyOf(serviceEnvironment);
    }

    /**
     * Reads {@code --instances}: {@code ingress=2,processor=2,llm-worker=3,responder=2,connector=2}; services not
     * named run once ({@code connector=0} runs no connector).
     */
    public static Map<Service, Integer> parseInstances(String spec) {
        var counts = new EnumMap<Service, Integer>(Service.class);
        for (String entry : spec.split(",")) {
            String[] pair = entry.trim().split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("--instances takes service=count[,service=count...], not " + entry);
            }
            try {
                counts.put(Service.ofModule(pair[0].trim()), Integer.parseInt(pair[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--instances: " + pair[1] + " is not a number");
            }
        }
        return counts;
    }

    public int instanceCount(Service service) {
        return instances.getOrDefault(service, 1);
    }

    /** Every instance, service by service in the order of {@link Service}. */
    public List<ServiceInstance> allInstances() {
        var all = new ArrayList<ServiceInstance>();
        for (Service service : Service.values()) {
            all.addAll(instancesOf(service));
        }
        return all;
    }

    public List<ServiceInstance> instancesOf(Service service) {
        var list = new ArrayList<ServiceInstance>();
        for (int number = 1; number <= instanceCount(service); number++) {
            list.add(new ServiceInstance(service, number));
        }
        return list;
    }

    /**
     * The instance's environment beside the stack's: its ports as the services read them (MANAGEMENT_PORT, and
     * SERVER_PORT for ingress's callbacks), and its name as {@code HOSTNAME}, which the responder puts in its
     * outbox consumer name (so {@code GET responder:outbox-lease:<bot>} shows which instance delivers a bot).
     */
    Map<String, String> instanceEnvironment(ServiceInstance instance) {
        var env = new HashMap<String, String>();
        env.put("MANAGEMENT_PORT", Integer.toString(ports.managementPort(instance)));
        if (instance.service() == Service.INGRESS) {
            env.put("SERVER_PORT", Integer.toString(ports.callbackPort(instance)));
        }
        env.put("HOSTNAME", instance.name());
        return env;
    }

    /** True when the connector gets WeCom's (or another) endpoint rather than the stack's simulator. */
    public boolean realLongConnection() {
        return longConnectionUrl != null && !longConnectionUrl.isBlank();
    }

    public boolean realDify() {
        return difyBaseUrl != null && !difyBaseUrl.isBlank() && difyApiKey != null && !difyApiKey.isBlank();
    }
}
