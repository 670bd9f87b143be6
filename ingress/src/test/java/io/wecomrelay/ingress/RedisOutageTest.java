package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.testkit.LocalRedis;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Redis of its own that is down when ingress starts, comes back, dies again (SIGKILL) and comes back again on
 * the same port. Ingress starts and stays ready (readiness is Kafka only); a message of a streaming bot gets 503
 * (counted, logged) rather than a stream no refresh could find; WeCom's retry of the same message gets its stream
 * once Redis is back, and the stream is then known to refreshes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "relay.ingress.redis-timeout=300ms", "spring.data.redis.timeout=300ms", "spring.data.redis.connect-timeout=300ms"})
@ExtendWith(OutputCaptureExtension.class)
class RedisOutageTest {

    static final String BOT = "ingress-outage-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));
    static final LocalRedis REDIS = LocalRedis.startEmbedded();
    static final Duration BACK = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        REDIS.kill(); // ingress starts without Redis
        TestInfrastructure.createTopics(1, Topics.INBOUND.name());
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("spring.data.redis.url", REDIS::url);
        registry.add("relay.ingress.bots-file", BOTS::toString);
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void messagesGet503WhileRedisIsDownAndWeComsRetriesGetTheirStreamOnceItIsBack(CapturedOutput output) throws Exception {
        // started without Redis, and ready: Kafka is all a message needs to be durable
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health").body()).contains("\"redis\":{\"status\":\"DOWN\"");

        String first = "m-" + UUID.randomUUID();
        assertThat(send(first).status()).isEqualTo(503);
        assertThat(markerFailures()).isEqualTo(1.0);
        assertThat(output.getAll()).contains("stream marker not written (Redis); answering 503 so WeCom retries bot=" + BOT
                + " msgId=" + first);

        // Redis comes back: the connection opens in the background and WeCom's retry gets the stream
        REDIS.startAgain();
        CallbackResponse retried = await().atMost(BACK).pollInterval(Duration.ofMillis(200)).until(() -> send(first),
                response -> response.status() == 200);
        assertThat(retried.streamId()).isEqualTo(StreamIds.of(BOT, first));
        assertThat(refresh(first).streamFinished()).isFalse(); // the marker is there: pending, not "expired"

        // Redis dies while the connection is open: Kafka acknowledges, the marker times out, 503 again
        REDIS.kill();
        double failuresBefore = markerFailures();
        String second = "m-" + UUID.randomUUID();
        assertThat(send(second).status()).isEqualTo(503);
        assertThat(markerFailures()).isEqualTo(failuresBefore + 1);

        REDIS.startAgain();
        await().atMost(BACK).pollInterval(Duration.ofMillis(200)).until(() -> send(second).status() == 200);
        assertThat(refresh(second).streamFinished()).isFalse();
        // every message is in Kafka, some twice (the processor drops the duplicate)
        assertThat(IngressTestSupport.publishedSoFar(BOT)).extracting(event -> event.message().msgId())
                .contains(first, second);
    }

    private CallbackResponse send(String msgId) throws Exception {
        return client().send(WecomMessages.text(BOT, msgId, "u", null, "hi")).get();
    }

    private CallbackResponse refresh(String msgId) throws Exception {
        return client().send(WecomMessages.refresh(BOT, "r-" + UUID.randomUUID(), "u", null, StreamIds.of(BOT, msgId))).get();
    }

    private WecomClient client() {
        return WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
    }

    private double markerFailures() {
        var counter = meters.find("relay.ingress.stream_marker_failures").tag("bot", BOT).counter();
        return counter == null ? 0 : counter.count();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
