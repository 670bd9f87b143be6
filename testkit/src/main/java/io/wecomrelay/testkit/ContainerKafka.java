package io.wecomrelay.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Testcontainers' Kafka; only loaded when {@code -Dtest.kafka=container} asks for it. */
final class ContainerKafka {

    private ContainerKafka() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | NoClassDefFoundError e) {
            return false;
        }
    }

    static String start() {
        @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it
        KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.2.0")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
        kafka.start();
        return kafka.getBootstrapServers();
    }
}
