package io.wecomrelay.testkit;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import io.wecomrelay.testkit.internal.Lazy;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The broker and Redis every test in this JVM shares. Started on first use, stopped when the JVM
 * exits.
 * <p>
 * {@code -Dtest.kafka=container} runs the same tests against Testcontainers' Kafka when Docker is
 * available; without Docker it falls back to the in-JVM KRaft broker, so CI here still passes.
 */
public final class TestInfrastructure {

    private static final Lazy<String> KAFKA = new Lazy<>(TestInfrastructure::startKafka);
    private static final Lazy<LocalRedis> REDIS = new Lazy<>(() -> {
        LocalRedis redis = LocalRedis.start(System.getenv("REDIS_URL"));
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "stop-test-redis"));
        return redis;
    });

    private TestInfrastructure() {
    }

    public static String kafkaBootstrapServers() {
        return KAFKA.get();
    }

    public static String redisUrl() {
        return REDIS.get().url();
    }

    /** Creates topics if they do not exist yet. */
    public static void createTopics(int partitions, String... names) {
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers()))) {
            List<NewTopic> topics = java.util.Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
            admin.createTopics(topics).values().values().forEach(future -> {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic", e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /** Client properties pointing at the shared broker. */
    public static Properties kafkaClientProperties() {
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers());
        return props;
    }

    private static String startKafka() {
        if ("container".equals(System.getProperty("test.kafka")) && ContainerKafka.dockerAvailable()) {
            return ContainerKafka.start();
        }
        LocalKafka kafka = LocalKafka.start(0);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-test-kafka"));
        return kafka.bootstrapServers();
    }
}
