package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.wecomrelay.ingress.callback.ServerRequestsTimer;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The callback port serves only the callback; health and metrics are on the management port only
 * (both random here: the test framework moves a separate management port to a free one too). The callback port's
 * requests are timed by ingress's own {@link ServerRequestsTimer} under Boot's meter name and tags (the dashboard's
 * 5xx panel reads them), and Boot's HTTP server observation no longer runs for them; the management port keeps Boot's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ManagementPortTest.CountedObservations.class)
class ManagementPortTest {

    static final String BOT = "ingress-ports-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TEMPLATE = "/wecom/callback/{botId}";
    static final Duration WAIT = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int callbackPort;

    @LocalManagementPort
    int managementPort;

    @Autowired
    MeterRegistry meters;

    @Autowired
    CountedObservations observations;

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

    @Test
    void callbacksAreTimedByTheirRoutesTemplateWithStatusMethodAndOutcome() throws Exception {
        long verified = count("GET", TEMPLATE, "200");
        long unsigned = count("GET", TEMPLATE, "400");
        long unknownBot = count("POST", TEMPLATE, "404");
        long noRoute = count("GET", "NOT_FOUND", "404");
        WecomClient client = WecomClient.create(URI.create("http://127.0.0.1:" + callbackPort + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
        WecomClient stranger = WecomClient.create(URI.create("http://127.0.0.1:" + callbackPort + "/wecom/callback/no-such-bot"),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);

        assertThat(client.verifyUrl("1616140317555161061").get()).isEqualTo("1616140317555161061");
        assertThat(get(callbackPort, "/wecom/callback/" + BOT)).isEqualTo(400);
        assertThat(stranger.send(WecomMessages.text("no-such-bot", "m", "u", null, "x")).get().status())
                .isEqualTo(404);
        assertThat(get(callbackPort, "/wecom/nothing/here")).isEqualTo(404);

        // recorded when the exchange completes, possibly just after the client has its answer
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count("GET", TEMPLATE, "200")).isEqualTo(verified + 1);
            assertThat(count("GET", TEMPLATE, "400")).isEqualTo(unsigned + 1);
            assertThat(count("POST", TEMPLATE, "404")).isEqualTo(unknownBot + 1);
            assertThat(count("GET", "NOT_FOUND", "404")).isEqualTo(noRoute + 1);
        });
        Timer ok = meters.get(ServerRequestsTimer.NAME).tags("method", "GET", "uri", TEMPLATE, "status", "200").timer();
        assertThat(ok.getId().getTag("outcome")).isEqualTo("SUCCESS");
        assertThat(ok.getId().getTag("exception")).isEqualTo("none");
        assertThat(meters.get(ServerRequestsTimer.NAME).tags("uri", TEMPLATE, "status", "400").timer().getId().getTag("outcome"))
                .isEqualTo("CLIENT_ERROR");
        assertThat(meters.find(ServerRequestsTimer.NAME).timers()).extracting(timer -> timer.getId().getTag("uri"))
                .as("never the raw path").noneMatch(uri -> uri.contains(BOT) || uri.contains("no-such-bot"));
    }

    @Test
    void bootsObservationRunsForTheManagementServerButNotForCallbacks() throws Exception {
        assertThat(get(callbackPort, "/wecom/callback/" + BOT)).isEqualTo(400);
        // positive control: the counting handler does see the management server's requests
        String scrape = await().atMost(WAIT).until(() -> body(managementPort, "/actuator/prometheus"),
                body -> body.contains("uri=\"/actuator/prometheus\""));

        assertThat(observations.ports).contains(managementPort).doesNotContain(callbackPort);
        // both servers' series under one name, with the same tag keys (Prometheus requires it)
        assertThat(scrape).contains("http_server_requests_seconds_count{").contains("uri=\"" + TEMPLATE + "\"");
    }

    private long count(String method, String uri, String status) {
        Timer timer = meters.find(ServerRequestsTimer.NAME).tags("method", method, "uri", uri, "status", status).timer();
        return timer == null ? 0 : timer.count();
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String body(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The local ports of the requests an HTTP server observation was started for. */
    @TestConfiguration(proxyBeanMethods = false)
    static class CountedObservations {

        final Set<Integer> ports = ConcurrentHashMap.newKeySet();

        @Bean
        ObservationHandler<ServerRequestObservationContext> serverRequestCounter() {
            return new ObservationHandler<>() {
                @Override
                public boolean supportsContext(Observation.Context context) {
                    return context instanceof ServerRequestObservationContext;
                }

                @Override
                public void onStart(ServerRequestObservationContext context) {
                    InetSocketAddress local = context.getCarrier().getLocalAddress();
                    ports.add(local == null ? -1 : local.getPort());
                }
            };
        }
    }
}
