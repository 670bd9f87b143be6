package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * One bot whose Dify app never finishes and nine ordinary bots, all on one partition of a worker with
 * eight slots: the slow bot gets its share (a quarter, two) and the nine bots' replies all complete
 * while the slow bot's are still running. Without the share the slow bot's eight messages would take
 * every slot and nothing else would be answered.
 */
class FairShareTest {

    private static final String PREFIX = "fair";
    private static final String SLOW = "fair-slow";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");

    @Test
    void aBotWithASlowDifyAppCannotHoldEverySlot() throws Exception {
        var bots = new ArrayList<>(List.of(SLOW));
        for (int i = 0; i < 9; i++) {
            bots.add("fair-" + i);
        }
        try (var worker = WorkerTestSupport.worker(PREFIX, Map.of(
                "relay.worker.bots-file", WorkerTestSupport.botsFile(bots).toString(),
                "relay.worker.consumer.max-in-flight", "8",
                "relay.worker.reply.idle-timeout", "10s"))) {
            var slow = new ArrayList<MessageAccepted>();
            for (int i = 0; i < 8; i++) {
                slow.add(text(SLOW, user(), uniq("[sim:hold-open,ping-ms=200]"), Instant.now()));
            }
            var firstSlow = send(PREFIX + ".accepted", slow.get(0));
            slow.subList(1, slow.size()).forEach(message -> send(PREFIX + ".accepted", message));
            var normal = new ArrayList<MessageAccepted>();
            for (String bot : bots.subList(1, bots.size())) {
                for (int i = 0; i < 2; i++) {
                    normal.add(text(bot, user(), uniq("[sim:deltas=2,delay-ms=10]"), Instant.now()));
                }
            }
            normal.forEach(message -> send(PREFIX + ".accepted", message));

            normal.forEach(message -> assertThat(CHUNKS.awaitReply(message.streamId(), Duration.ofSeconds(30)).errorCode())
                    .isNull());

            assertThat(slow).allSatisfy(message ->
                    assertThat(CHUNKS.all(message.streamId())).noneMatch(ReplyChunk::last));
            await().atMost(Duration.ofSeconds(10)).until(() -> askedDify(slow) >= 2);
            assertThat(askedDify(slow)).as("the slow bot's share of 8 slots: a quarter").isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(worker.getBean(MeterRegistry.class)
                    .find("relay.worker.deferred").tag("bot", SLOW).counters()).extracting(Counter::count).containsExactly(6.0));
            assertThat(committed()).as("the commit never passes the slow bot's unfinished records")
                    .isLessThanOrEqualTo(firstSlow.offset());
        }
    }

    private static long askedDify(List<MessageAccepted> messages) {
        return messages.stream().filter(message -> !DIFY.requestsFor(query(message)).isEmpty()).count();
    }

    private static long committed() throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            var offsets = admin.listConsumerGroupOffsets(PREFIX + "-worker").partitionsToOffsetAndMetadata().get();
            var offset = offsets.get(new TopicPartition(PREFIX + ".accepted", 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString().strip();
    }

    private static String uniq(String text) {
        return "q-" + UUID.randomUUID().toString().substring(0, 8) + " " + text;
    }
}
