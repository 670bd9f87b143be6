package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;

import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code relay.ingress.publisher=none}, the benchmark's no-durability baseline: the same answers as
 * {@link CallbackEndpointTest} expects, but nothing reaches Kafka and no stream marker is written.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "relay.ingress.publisher=none")
class PublisherNoneTest {

    static final String BOT = "ingress-none-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    StringRedisTemplate redis;

    @Test
    void answersAsUsualButPublishesNothingAndMarksNothing() throws Exception {
        String msgId = UUID.randomUUID().toString();

        CallbackResponse response = client().send(WecomMessages.text(BOT, msgId, "zhangsan", null, "你好")).get();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streamId()).isEqualTo(StreamIds.of(BOT, msgId));
        assertThat(response.streamFinished()).isFalse();
        assertThat(response.streamContent()).isEqualTo("正在思考…");
        assertThat(response.reply().path("stream").path("feedback").path("id").asString()).isEqualTo(response.streamId());
        assertThat(IngressTestSupport.publishedSoFar(BOT)).isEmpty();
        assertThat(redis.hasKey(StreamStateKeys.key(response.streamId()))).isFalse();
    }

    @Test
    void refreshesStillReadRedis() throws Exception {
        String streamId = StreamIds.of(BOT, UUID.randomUUID().toString());
        redis.opsForHash().put(StreamStateKeys.key(streamId), StreamStateKeys.CONTENT, "部分回答");
        redis.opsForHash().put(StreamStateKeys.key(streamId), StreamStateKeys.OWNER, BOT);

        CallbackResponse response = client().send(WecomMessages.refresh(BOT, "r", "u", null, streamId)).get();

        assertThat(response.streamContent()).isEqualTo("部分回答");
        redis.delete(StreamStateKeys.key(streamId));
    }

    @Test
    void readinessDoesNotDependOnKafka() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"kafka\":{\"status\":\"UNKNOWN\"");
    }

    private WecomClient client() {
        return WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
    }
}
