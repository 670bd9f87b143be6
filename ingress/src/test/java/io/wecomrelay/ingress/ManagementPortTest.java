package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The callback port serves only the callback; health and metrics are on the management port only
 * (both random here: the test framework moves a separate management port to a free one too).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortTest {

    static final String BOT = "ingress-ports-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int callbackPort;

    @LocalManagementPort
    int managementPort;

    @Test
    void theActuatorAnswersOnTheManagementPort() throws Exception {
        assertThat(managementPort).isNotEqualTo(callbackPort);
        assertThat(get(managementPort, "/actuator/health")).isEqualTo(200);
        assertThat(get(managementPort, "/actuator/health/liveness")).isEqualTo(200);
        assertThat(get(managementPort, "/actuator/prometheus")).isEqualTo(200);
    }

    @Test
    void theCallbackPortAnswers404ForAnythingButTheCallback() throws Exception {
        // positive control: the callback itself answers here (400: a verification GET without its parameters)
        assertThat(get(callbackPort, "/wecom/callback/" + BOT)).isEqualTo(400);
        assertThat(get(callbackPort, "/actuator/health")).isEqualTo(404);
        assertThat(get(callbackPort, "/actuator/prometheus")).isEqualTo(404);
        assertThat(get(callbackPort, "/actuator")).isEqualTo(404);
        assertThat(get(callbackPort, "/")).isEqualTo(404);
        assertThat(get(callbackPort, "/index.html")).isEqualTo(404);
    }

    @Test
    void callbacksAreTimedForTheDashboardWithoutExemplarsOrLongTaskTimers() throws Exception {
        assertThat(get(callbackPort, "/wecom/callback/" + BOT)).isEqualTo(400);

        var scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").build();
        // the 5xx panel reads http_server_requests_seconds_count{status}; nothing reads the .active timer or exemplars
        // (the timer stops when the exchange completes, possibly just after the client has its answer)
        String metrics = await().atMost(Duration.ofSeconds(10)).until(
                () -> HTTP.send(scrape, HttpResponse.BodyHandlers.ofString()).body(),
                body -> body.contains("http_server_requests_seconds_count{") && body.contains("status=\"400\""));
        assertThat(metrics).doesNotContain("http_server_requests_active").doesNotContain("trace_id=");
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("the exemplar sampler's thread").noneMatch(name -> name.startsWith("prometheus-metrics-scheduler"));
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
