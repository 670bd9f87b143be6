package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.wecomrelay.responder.outbox.OutboxDelivery;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The outbox's workers run exactly while the context runs: started with it (after Redis, before the listener
 * containers that queue jobs) and stopped with it (after the containers, while Redis is still there to release
 * the leases). A worker's lease in Redis shows that it runs.
 */
class OutboxLifecycleTest {

    static final String BOT = "lifecycle-webhook";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final TestRedis REDIS = new TestRedis();

    final String prefix = "test-" + UUID.randomUUID() + ":";
    final String lease = prefix + "outbox-lease:" + BOT;

    @AfterAll
    static void closeRedis() {
        REDIS.close();
    }

    @Test
    void theOutboxRunsBetweenRedisAndTheListenerContainersAndReleasesItsLeasesWhenItStops() throws IOException {
        try (ConfigurableApplicationContext context = start()) {
            var outbox = context.getBean(OutboxDelivery.class);
            assertThat(outbox.isRunning()).isTrue();
            await().atMost(WAIT).until(() -> REDIS.template().hasKey(lease));
            assertThat(outbox.getPhase())
                    .isGreaterThan(context.getBean(LettuceConnectionFactory.class).getPhase())
                    .isLessThan(context.getBean("chunksContainer", SmartLifecycle.class).getPhase())
                    .isLessThan(context.getBean("rejectionsContainer", SmartLifecycle.class).getPhase());

            context.stop();

            assertThat(outbox.isRunning()).isFalse();
            assertThat(REDIS.template().hasKey(lease)).as("lease released on stop").isFalse();

            context.start();

            assertThat(outbox.isRunning()).isTrue();
            await().atMost(WAIT).until(() -> REDIS.template().hasKey(lease));
        }
        assertThat(REDIS.template().hasKey(lease)).as("lease released on close").isFalse();
    }

    private ConfigurableApplicationContext start() throws IOException {
        Path bots = Files.createTempFile("bots", ".yaml");
        Files.writeString(bots, "bots:\n  - id: " + BOT + "\n    token: tok\n"
                + "    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n"
                + "    reply-mode: webhook\n    webhook-key: key-" + UUID.randomUUID() + "\n");
        bots.toFile().deleteOnExit();
        return new SpringApplicationBuilder(ResponderApplication.class)
                .web(WebApplicationType.NONE)
                .run("--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafkaBootstrapServers(),
                        "--spring.kafka.consumer.group-id=responder-lifecycle-" + UUID.randomUUID(),
                        "--spring.data.redis.url=" + TestInfrastructure.redisUrl(),
                        "--relay.responder.bots-file=" + bots,
                        "--relay.responder.delivery.outbox.key-prefix=" + prefix,
                        "--relay.responder.delivery.outbox.poll-interval=50ms",
                        "--relay.responder.delivery.rate-limit.key-prefix=" + prefix + "rate:");
    }
}
