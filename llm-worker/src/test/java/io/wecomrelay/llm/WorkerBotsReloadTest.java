package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.AES_KEY;
import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.support.bots.BotsFile;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running worker answers for a bot added to the bots file, and with a bot's new Dify app, without a restart; every
 * chunk names the policy version of the bot settings it was answered under.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerBotsReloadTest {

    private static final String PREFIX = "reload";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final String ADDED = "bot-added";
    private static final String MOVED = "bot-moved";
    private static final String REKEYED = "bot-rekeyed";
    private static final Path BOTS = botsFile(bot(MOVED, "http://127.0.0.1:1/v1", DifySimulatorConfig.DEFAULT_API_KEY)
            + bot(REKEYED, DIFY.baseUrl(), "app-revoked"));

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> {
            if (!key.equals("relay.worker.bots-file")) {
                registry.add(key, () -> value);
            }
        });
        registry.add("relay.worker.bots-file", BOTS::toString);
        registry.add("relay.worker.bots-reload-interval", () -> "100ms");
    }

    @Test
    void anAddedBotAndABotsNewDifyAppAnswerAfterTheFileChanged() throws Exception {
        // Given the bots as they are at start
        WorkerTestSupport.Reply unknown = reply(ADDED);
        assertThat(unknown.errorCode()).isEqualTo(ErrorCodes.BOT_UNKNOWN);
        assertThat(unknown.chunks()).extracting(ReplyChunk::policyVersion).containsOnly(BotConfig.NO_POLICY);
        String movedBefore = policyVersionInTheFile(MOVED);
        WorkerTestSupport.Reply moved = reply(MOVED);
        assertThat(moved.errorCode()).isEqualTo(ErrorCodes.NETWORK_ERROR);
        assertThat(moved.chunks()).extracting(ReplyChunk::policyVersion).containsOnly(movedBefore);
        assertThat(reply(REKEYED).errorCode()).as("Dify refuses the revoked key").isNotNull();

        // When the file gains a bot, and the other two get the simulator's address and key (one a new rate limit)
        Files.writeString(BOTS, "bots:\n" + bot(ADDED, DIFY.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY)
                + bot(MOVED, DIFY.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY) + "    rate-limit-per-minute: 1234\n"
                + bot(REKEYED, DIFY.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY));
        awaitReloads();

        // Then all three are answered by Dify, under the settings in the file now
        for (String bot : new String[] {ADDED, MOVED, REKEYED}) {
            var message = text(bot, user(), "hello " + bot, Instant.now());
            send(ACCEPTED, message);
            var reply = CHUNKS.awaitReply(message);
            assertThat(reply.errorCode()).as(bot).isNull();
            assertThat(reply.text()).as(bot).isEqualTo(DifySimulator.expectedAnswer("hello " + bot));
            assertThat(reply.chunks()).extracting(ReplyChunk::policyVersion).as(bot)
                    .containsOnly(policyVersionInTheFile(bot));
        }
        assertThat(policyVersionInTheFile(MOVED)).as("the rate limit is part of the policy").isNotEqualTo(movedBefore);
    }

    private static WorkerTestSupport.Reply reply(String bot) {
        MessageAccepted message = text(bot, user(), "anyone there?", Instant.now());
        send(ACCEPTED, message);
        return CHUNKS.awaitReply(message.streamId(), Duration.ofSeconds(30));
    }

    /** The policy version as every service computes it from the bots file on disk now. */
    private static String policyVersionInTheFile(String bot) {
        return new BotRegistryLoader(System::getenv).load(BOTS).find(bot).orElseThrow().policyVersion();
    }

    private void awaitReloads() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reloads()).as("bots file reloads").isGreaterThanOrEqualTo(1.0));
    }

    private double reloads() {
        Counter reloads = meters.find(BotsFile.RELOADS).tag("outcome", "ok").counter();
        return reloads == null ? 0 : reloads.count();
    }

    private static String bot(String id, String difyUrl, String apiKey) {
        return """
                  - id: %s
                    token: QDG6eK
                    aes-key: %s
                    dify: { base-url: "%s", api-key: %s, allow-insecure-http: true }
                """.formatted(id, AES_KEY, difyUrl, apiKey);
    }

    private static Path botsFile(String entries) {
        try {
            Path file = Files.createTempFile("bots", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, "bots:\n" + entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
