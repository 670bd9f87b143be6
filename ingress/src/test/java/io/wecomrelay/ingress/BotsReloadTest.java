package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.support.bots.BotsFile;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The running ingress serves a bot added to the bots file after its start, and a changed token, without a restart. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BotsReloadTest {

    static final String BOT = "ingress-reload-bot";
    static final String ADDED = "ingress-added-bot";
    static final String POLICED = "ingress-policy-bot";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
        registry.add("relay.ingress.bots-reload-interval", () -> "100ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void aBotAddedAfterTheStartIsServedAndAChangedTokenApplies() throws Exception {
        assertThat(send(ADDED, IngressTestSupport.TOKEN).status()).as("not configured yet").isEqualTo(404);

        double before = reloads();
        Files.writeString(BOTS, "bots:\n" + IngressTestSupport.bot(BOT, "passive_stream").replace(
                IngressTestSupport.TOKEN, "NewToken1") + IngressTestSupport.bot(ADDED, "passive_stream"));

        awaitReloads(before + 1);
        CallbackResponse added = send(ADDED, IngressTestSupport.TOKEN);
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.streamContent()).isEqualTo("正在思考…");
        assertThat(send(BOT, IngressTestSupport.TOKEN).status()).as("the old token").isEqualTo(401);
        assertThat(send(BOT, "NewToken1").status()).isEqualTo(200);
    }

    @Test
    void eachReceiptCarriesThePolicyVersionOfTheBotsFileInForceWhenItArrived() throws Exception {
        String first = received(7);
        String second = received(1234);

        assertThat(first).as("the rate limit is part of the policy").isNotEqualTo(second);
    }

    /** Writes the bots file with this rate limit for {@link #POLICED}, waits for its reload, sends a message. */
    private String received(int rateLimitPerMinute) throws Exception {
        double before = reloads();
        Files.writeString(BOTS, "bots:\n" + IngressTestSupport.bot(BOT, "passive_stream")
                + IngressTestSupport.bot(POLICED, "passive_stream") + "    rate-limit-per-minute: " + rateLimitPerMinute + "\n");
        awaitReloads(before + 1);
        String expected = policyVersionInTheFile();
        String msgId = UUID.randomUUID().toString();

        assertThat(send(POLICED, IngressTestSupport.TOKEN, msgId).status()).isEqualTo(200);

        MessageReceived receipt = IngressTestSupport.publishedUntil(POLICED, msgId, Duration.ofSeconds(20)).stream()
                .filter(event -> event.message().msgId().equals(msgId)).findFirst().orElseThrow();
        assertThat(receipt.policyVersion()).isEqualTo(expected);
        return receipt.policyVersion();
    }

    /** The policy version as every service computes it from the file on disk now. */
    private static String policyVersionInTheFile() {
        return new BotRegistryLoader(System::getenv).load(BOTS).find(POLICED).orElseThrow().policyVersion();
    }

    private CallbackResponse send(String bot, String token) throws Exception {
        return send(bot, token, UUID.randomUUID().toString());
    }

    private CallbackResponse send(String bot, String token, String msgId) throws Exception {
        var client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + bot), token,
                IngressTestSupport.AES_KEY);
        return client.send(WecomMessages.text(bot, msgId, "zhangsan", null, "你好")).get();
    }

    private void awaitReloads(double count) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reloads()).as("bots file reloads").isGreaterThanOrEqualTo(count));
    }

    private double reloads() {
        Counter reloads = meters.find(BotsFile.RELOADS).tag("outcome", "ok").counter();
        return reloads == null ? 0 : reloads.count();
    }
}
