package io.wecomrelay.cli.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How every command reaches Kafka: the bootstrap servers and, like Kafka's own tools, a client properties file for
 * the security settings the services take under {@code spring.kafka.*} ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}). Mixed into every command that talks to Kafka.
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), as for Kafka's own tools.")
    @Nullable Path commandConfig;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for each answer of Kafka before exiting with code 3 (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    public KafkaOptions() {
        this.bootstrapServers = "localhost:9092";
        this.requestTimeout = Duration.ofSeconds(30);
    }

    /** For tests and the benchmarks: the options a command line would give. */
    public static KafkaOptions of(String bootstrapServers) {
        var options = new KafkaOptions();
        options.bootstrapServers = bootstrapServers;
        return options;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Producer settings of the commands that write: every record acknowledged by all replicas, written once. */
    public Map<String, Object> producer() {
        var settings = common();
        settings.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        settings.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return settings;
    }

    /** The connection and security settings shared by consumers, producers and admin clients. */
    public Map<String, Object> common() {
        var settings = new HashMap<String, Object>();
        if (commandConfig != null) {
            var properties = new Properties();
            try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new InfrastructureException("cannot read --command-config " + commandConfig + ": "
                        + e.getClass().getSimpleName(), e);
            }
            properties.forEach((key, value) -> settings.put(String.valueOf(key), value));
        }
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, "relay-cli");
        return settings;
    }
}
