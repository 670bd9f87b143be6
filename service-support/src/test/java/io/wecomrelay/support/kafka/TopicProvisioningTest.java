package io.wecomrelay.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The bounds are the tests' timeouts: an unbounded wait fails them, no wall-clock assertion needed. */
@ExtendWith(OutputCaptureExtension.class)
class TopicProvisioningTest {

    private static final TopicProvisioning.Timing FAST = new TopicProvisioning.Timing(Duration.ofSeconds(1), Duration.ofMillis(200));

    @Test
    @Timeout(60)
    void kafkaUnreachableAtStartIsNotReadyWithTheReasonAndStopsPromptly(CapturedOutput output) throws Exception {
        String kafka = closedPort();
        var provisioning = TopicProvisioning.of(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, List.of(kafka)),
                List.of(topic("never.created")), Map.of(), (short) 1, FAST);
        var started = new CountDownLatch(1);
        provisioning.whenDone(started::countDown);
        var health = new TopicsHealthIndicator(provisioning);

        provisioning.start();
        waitFor(() -> provisioning.status().problem() != null);

        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails().get("problem").toString()).contains("TimeoutException");
        assertThat(output.getAll()).contains("topics not provisioned, so not ready (Kafka bootstrap.servers=" + kafka
                + "): TimeoutException").contains("trying again every 0.2s");
        provisioning.stop();
        assertThat(provisioning.isRunning()).isFalse();
        assertThat(started.getCount()).as("nothing that waits for the topics started").isEqualTo(1);
        assertThat(provisioning.status().done()).isFalse();
    }

    @Test
    @Timeout(120)
    void createsMissingTopicsThenStartsWhatWaitedAndIsReady() throws Exception {
        String name = "provisioning.test." + System.nanoTime();
        var provisioning = TopicProvisioning.of(admin(TestInfrastructure.kafkaBootstrapServers()), List.of(topic(name)),
                Map.of(name, 2), (short) 1, TopicProvisioning.Timing.DEFAULT);
        var started = new CountDownLatch(1);
        provisioning.whenDone(started::countDown);

        provisioning.start();
        assertThat(started.await(100, TimeUnit.SECONDS)).isTrue();

        assertThat(provisioning.status().created()).containsExactly(name);
        assertThat(new TopicsHealthIndicator(provisioning).health().getStatus()).isEqualTo(Status.UP);
        try (Admin admin = KafkaAdmins.create(admin(TestInfrastructure.kafkaBootstrapServers()))) {
            assertThat(admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions()).hasSize(2);
        }
        provisioning.stop();
    }

    @Test
    void turnedOffIsDoneOnlyOnceTheContextStarts() {
        var provisioning = TopicProvisioning.off();
        var started = new CountDownLatch(1);
        provisioning.whenDone(started::countDown);
        assertThat(started.getCount()).isEqualTo(1);
        assertThat(new TopicsHealthIndicator(provisioning).health().getStatus()).isEqualTo(Status.DOWN);

        provisioning.start();

        assertThat(started.getCount()).isZero();
        assertThat(new TopicsHealthIndicator(provisioning).health().getStatus()).isEqualTo(Status.UP);
    }

    static Map<String, Object> admin(String bootstrapServers) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** A port nothing listens on: connections to it are refused. */
    static String closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static TopicSpec topic(String name) {
        return new TopicSpec(name, "test key", 1, Duration.ofHours(1), false);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(50);
        }
    }
}
