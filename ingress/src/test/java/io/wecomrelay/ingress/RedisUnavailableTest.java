package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;

import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Redis down: a refresh keeps the stream alive (not finished) so WeCom polls again. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "relay.ingress.redis-timeout=300ms", "spring.data.redis.timeout=200ms", "spring.data.redis.connect-timeout=200ms"})
class RedisUnavailableTest {

    static final String BOT = "ingress-noredis-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:" + deadPort);
        registry.add("relay.ingress.bots-file", BOTS::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void refreshWithoutRedisKeepsTheStreamAlive() throws Exception {
        WecomClient client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);

        CallbackResponse response = client.send(WecomMessages.refresh(BOT, "r", "u", null, StreamIds.of(BOT, "m1"))).get();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streamFinished()).isFalse();
        assertThat(response.streamContent()).isEqualTo("正在思考…");
    }
}
