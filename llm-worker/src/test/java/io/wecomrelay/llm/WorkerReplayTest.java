package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 13's acceptance test, worker side: hours of accepted messages are on {@code wecom.accepted} before
 * a worker with a new consumer group starts (the same as resetting the group to the beginning), against
 * the in-JVM broker, real Redis and the Dify simulator. Only the messages whose reply someone can still
 * receive reach Dify; every other one is skipped, counted and committed.
 */
class WorkerReplayTest {

    private static final String PREFIX = "replay";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final String STREAM_BOT = "replay-stream";
    private static final String URL_BOT = "replay-url";
    private static final String WEBHOOK_BOT = "replay-webhook";

    @Test
    void aGroupResetToTheStartOfTheHistoryAnswersOnlyWhatSomeoneCanStillReceive() throws Exception {
        TestInfrastructure.createTopics(1, ACCEPTED);
        Instant now = Instant.now();
        String run = UUID.randomUUID().toString().substring(0, 8);

        // Given a day of history: messages nobody can receive a reply to any more...
        List<MessageAccepted> old = new ArrayList<>();
        for (Duration age : List.of(Duration.ofHours(24), Duration.ofHours(3), Duration.ofMinutes(10))) {
            old.add(message(STREAM_BOT, "old stream " + age + " " + run, now.minus(age)));   // past the 350 s stream window
        }
        for (Duration age : List.of(Duration.ofHours(23), Duration.ofHours(2))) {
            old.add(message(URL_BOT, "old url " + age + " " + run, now.minus(age)));         // past the 1 h reply age
        }
        old.add(message(WEBHOOK_BOT, "old webhook " + run, now.minus(Duration.ofHours(20))));
        // ...an old reset, which must not forget the conversation its user has now...
        String resetUser = user();
        var reset = WorkerTestSupport.text(STREAM_BOT, resetUser, "/new", now.minus(Duration.ofHours(5)));
        old.add(reset);
        // ...and a few messages that can still be answered, the last ones written
        List<MessageAccepted> fresh = List.of(
                message(STREAM_BOT, "fresh stream " + run, now),
                message(URL_BOT, "fresh url " + run, now.minus(Duration.ofMinutes(1))),
                message(WEBHOOK_BOT, "fresh webhook " + run, now));
        // a response_url message past the stream window is still answered: its reply goes to the response_url
        // (with the deadline's sentence, since reply.deadline runs from receivedAt for every bot)
        var pastWindow = message(URL_BOT, "url past the stream window " + run, now.minus(Duration.ofMinutes(10)));
        try (var redis = RedisClient.create(TestInfrastructure.redisUrl()); var connection = redis.connect()) {
            connection.sync().set("llm:conversation:" + reset.conversationKey(), "conv-" + run);
            old.forEach(message -> WorkerTestSupport.send(ACCEPTED, message));
            WorkerTestSupport.send(ACCEPTED, pastWindow);
            fresh.forEach(message -> WorkerTestSupport.send(ACCEPTED, message));
            long end = old.size() + 1 + fresh.size();

            // When a worker of a new consumer group starts from offset 0
            String group = PREFIX + "-worker-" + run;
            try (ConfigurableApplicationContext worker = start(group)) {

                // Then the fresh messages are answered, carrying their receive time on every chunk
                for (MessageAccepted message : fresh) {
                    assertThat(CHUNKS.awaitReply(message).chunks())
                            .allSatisfy(chunk -> assertThat(chunk.receivedAt()).isEqualTo(message.receivedAt()));
                }
                var pastWindowReply = CHUNKS.awaitReply(pastWindow);
                assertThat(pastWindowReply.last().receivedAt()).isEqualTo(pastWindow.receivedAt());
                assertThat(pastWindowReply.errorCode()).isEqualTo(io.wecomrelay.llm.reply.ErrorCodes.DEADLINE_EXCEEDED);
                // and every record is handled and committed
                await().atMost(Duration.ofSeconds(30)).until(() -> committed(group) == end);

                // and the old ones were skipped, counted per bot, without a Dify call or a chunk
                MeterRegistry meters = worker.getBean(MeterRegistry.class);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(skipped(meters, STREAM_BOT)).isEqualTo(4);
                    assertThat(skipped(meters, URL_BOT)).isEqualTo(2);
                    assertThat(skipped(meters, WEBHOOK_BOT)).isEqualTo(1);
                });
            }
            List<String> asked = DIFY.chatRequests().stream()
                    .filter(request -> request.user() != null && request.user().startsWith("wecom:replay-"))
                    .map(RecordedChatRequest::query).filter(query -> query != null && query.endsWith(run)).toList();
            assertThat(asked).containsExactlyInAnyOrderElementsOf(fresh.stream().map(WorkerReplayTest::query).toList());
            for (MessageAccepted message : old) {
                assertThat(CHUNKS.all(message.streamId())).as("chunks of %s", query(message)).isEmpty();
            }
            assertThat(connection.sync().get("llm:conversation:" + reset.conversationKey())).isEqualTo("conv-" + run);
        }
    }

    private static MessageAccepted message(String bot, String text, Instant receivedAt) {
        return WorkerTestSupport.text(bot, user(), "[sim:deltas=2,delay-ms=5] " + text, receivedAt);
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString().strip();
    }

    private static double skipped(MeterRegistry meters, String bot) {
        Counter counter = meters.find("relay.worker.skipped").tag("bot", bot).tag("reason", "too_old").counter();
        return counter == null ? 0 : counter.count();
    }

    private static ConfigurableApplicationContext start(String group) throws IOException {
        Map<String, Object> settings = new java.util.HashMap<>(WorkerTestSupport.properties(PREFIX));
        settings.put("relay.worker.bots-file", botsFile());
        settings.put("relay.worker.consumer.group-id", group);
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(LlmWorkerApplication.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    private static long committed(String group) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            var offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(ACCEPTED, 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    private static Path botsFile() throws IOException {
        String dify = "    dify: { base-url: " + DIFY.baseUrl() + ", api-key: " + DifySimulatorConfig.DEFAULT_API_KEY + ", allow-insecure-http: true }\n"
                + "    token: QDG6eK\n    aes-key: " + WorkerTestSupport.AES_KEY + "\n";
        Path file = Files.createTempFile("replay-bots", ".yaml");
        Files.writeString(file, "bots:\n"
                + "  - id: " + STREAM_BOT + "\n" + dify
                + "  - id: " + URL_BOT + "\n" + dify + "    reply-mode: response_url\n"
                + "  - id: " + WEBHOOK_BOT + "\n" + dify + "    reply-mode: webhook\n    webhook-key: replay-key\n");
        file.toFile().deleteOnExit();
        return file;
    }
}
