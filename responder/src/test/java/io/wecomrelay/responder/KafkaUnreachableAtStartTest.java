package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.wecomrelay.support.kafka.TopicsHealthIndicator;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Started while Kafka is unreachable, the responder starts anyway, is not ready and says why in one line, and stops
 * at once. The bound is the test's timeout: start-up or shutdown waiting on the broker would exceed it.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaUnreachableAtStartTest {

    @Test
    @Timeout(120)
    void startsNotReadySaysWhyAndStops(CapturedOutput output) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ResponderApplication.class, OwnNettyResources.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + deadPort,
                "--spring.data.redis.url=" + TestInfrastructure.redisUrl(),
                "--relay.responder.bots-file=" + ResponderApplicationTest.BOTS);
        try {
            var topics = context.getBean(TopicsHealthIndicator.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.health().getDetails().containsKey("problem"));

            assertThat(topics.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(readinessStatus(context.getEnvironment().getProperty("local.server.port"))).isEqualTo(503);
            assertThat(output.getAll()).contains("topics not provisioned, so not ready (Kafka bootstrap.servers=127.0.0.1:"
                    + deadPort + "): TimeoutException");
        } finally {
            context.close();
        }
        assertThat(context.isActive()).isFalse();
    }

    /**
     * Closing a context that uses Reactor Netty's global resources disposes them, and with them the servers and
     * clients of every other test in this JVM (the cached contexts, the WeCom simulator): this one has its own.
     */
    @Configuration(proxyBeanMethods = false)
    static class OwnNettyResources {
        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            var resources = new ReactorResourceFactory();
            resources.setUseGlobalResources(false);
            return resources;
        }
    }

    private static int readinessStatus(String port) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
