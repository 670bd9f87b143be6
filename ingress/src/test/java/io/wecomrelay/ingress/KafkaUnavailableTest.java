package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without Kafka's ack there is no acknowledgement to WeCom: 503, so WeCom retries and nothing is lost. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "relay.ingress.publish-timeout=700ms",
        "spring.kafka.producer.properties.max.block.ms=500",
        "spring.kafka.admin.properties.default.api.timeout.ms=1000",
        "spring.kafka.admin.properties.request.timeout.ms=500"})
@ExtendWith(OutputCaptureExtension.class)
class KafkaUnavailableTest {

    static final String BOT = "ingress-nokafka-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + deadPort);
        registry.add("spring.data.redis.url", TestInfrastructure::redisUrl);
        registry.add("relay.ingress.bots-file", BOTS::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void answers503WhenKafkaDoesNotAcknowledge() throws Exception {
        WecomClient client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);

        CallbackResponse response = client.send(WecomMessages.text(BOT, UUID.randomUUID().toString(), "u", null, "hi")).get();

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.reply()).isNull();
    }

    @Test
    void aFailedSendIsLoggedWithoutTheRecordsContents(CapturedOutput output) throws Exception {
        WecomClient client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
        String text = "private-words-" + UUID.randomUUID();

        CallbackResponse response = client.send(WecomMessages.text(BOT, UUID.randomUUID().toString(), "u", null, text)).get();

        assertThat(response.status()).isEqualTo(503);
        // the producer listener reports the failure on the producer's thread, possibly after the 503
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("Exception thrown when sending"));
        // Spring's default would print the record's first 100 characters: no contents at all, not just no text
        assertThat(output.getAll()).contains("Exception thrown when sending").doesNotContain(text)
                .doesNotContain("payload=").doesNotContain("MessageReceived[");
    }

    @Test
    void refreshesStillAnswerFromRedisWhileKafkaIsDown() throws Exception {
        WecomClient client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);

        CallbackResponse response = client.send(WecomMessages.refresh(BOT, "r", "u", null, "AAAAAAAAAAAAAAAAAAAAAA")).get();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streamFinished()).isTrue(); // unknown stream: finished with a note, never a loop
    }
}
