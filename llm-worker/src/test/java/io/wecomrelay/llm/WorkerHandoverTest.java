package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scaling the worker up or down while replies stream costs no second Dify call: a worker joining the group takes
 * partitions from one that is streaming replies of them, and a worker shutting down gives its partitions to the
 * others. The worker giving partitions up lets those replies finish and commits them before the partitions go
 * ({@code relay.worker.consumer.revoke-drain}, {@code shutdown-grace}). Real broker, Redis and a slow Dify simulator;
 * the simulator's requests are counted per message (each message's query is its own).
 */
class WorkerHandoverTest {

    private static final int PARTITIONS = 4;
    private static final int MESSAGES_PER_PARTITION = 2;
    /** 30 s: streams still running once a second worker has started and joined the group, also on a busy machine. */
    private static final String SLOW = " [sim:deltas=60,delay-ms=500]";
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aWorkerJoiningOrLeavingTheGroupMidReplyCostsNoSecondDifyCall() {
        String prefix = "handover";
        var chunks = topics(prefix);
        try (var first = worker(prefix, DRAIN)) {
            var streaming = sendToEveryPartition(prefix, chunks);

            try (var joining = worker(prefix, DRAIN)) {
                streaming.forEach(message -> answeredOnceByTheFirstAttempt(message, chunks));
                assertThat(handovers(first, "drained")).as("replies were streaming on the partitions that moved")
                        .isPositive();
                assertThat(handovers(first, "timed_out") + handovers(first, "failed")).isZero();

                var beforeLeaving = sendToEveryPartition(prefix, chunks);
                // the joining worker owns partitions now (the first one handed some over), and each has replies
                // streaming; its metrics registry closes before its consumer stops, so the log shows its hand-over
                assertThat(beforeLeaving).as("every reply still streaming as the second worker stops")
                        .allMatch(message -> chunks.all(message.streamId()).stream().noneMatch(ReplyChunk::last));
                joining.close();
                beforeLeaving.forEach(message -> answeredOnceByTheFirstAttempt(message, chunks));
            }
        }
    }

    /** The same scaling without the drain: today's redo, still complete, but a second Dify call per moved reply. */
    @Test
    void withoutTheDrainTheNewOwnerAsksDifyAgainForTheRepliesItTakesOver() {
        String prefix = "handover-nodrain";
        var chunks = topics(prefix);
        try (var first = worker(prefix, Duration.ZERO)) {
            var streaming = sendToEveryPartition(prefix, chunks);

            try (var joining = worker(prefix, Duration.ZERO)) {
                await("a redone reply").atMost(WAIT)
                        .until(() -> streaming.stream().anyMatch(message -> DIFY.requestsFor(query(message)).size() == 2));
                assertThat(handovers(first, "timed_out")).isPositive();

                var redone = streaming.stream().filter(message -> DIFY.requestsFor(query(message)).size() == 2).toList();
                redone.forEach(message -> {
                    var reply = chunks.awaitReply(message.streamId(), WAIT);
                    assertThat(reply.last().attempt()).isEqualTo(2);
                    assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
                });
            }
        }
    }

    private static void answeredOnceByTheFirstAttempt(MessageAccepted message, WorkerTestSupport.ChunkCollector chunks) {
        var reply = chunks.awaitReply(message.streamId(), WAIT);
        assertThat(DIFY.requestsFor(query(message))).as("Dify calls for %s", message.streamId()).hasSize(1);
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(message)));
        assertThat(chunks.all(message.streamId())).as("attempts of %s", message.streamId())
                .extracting(ReplyChunk::attempt).containsOnly(1);
    }

    /** Sends messages to every partition and waits until each one's reply streams. */
    private static List<MessageAccepted> sendToEveryPartition(String prefix, WorkerTestSupport.ChunkCollector chunks) {
        var sent = new ArrayList<MessageAccepted>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            for (int i = 0; i < MESSAGES_PER_PARTITION; i++) {
                var message = WorkerTestSupport.text(WorkerTestSupport.user(), "handover " + UUID.randomUUID() + SLOW);
                WorkerTestSupport.send(prefix + ".accepted", partition, message);
                sent.add(message);
            }
        }
        sent.forEach(message -> chunks.awaitChunk(message.streamId(), chunk -> true, WAIT));
        return sent;
    }

    private static WorkerTestSupport.ChunkCollector topics(String prefix) {
        TestInfrastructure.createTopics(PARTITIONS, prefix + ".accepted");
        return WorkerTestSupport.chunks(prefix + ".chunks");
    }

    private static ConfigurableApplicationContext worker(String prefix, Duration drain) {
        return WorkerTestSupport.worker(prefix, Map.of(
                "relay.worker.topics.partitions[" + prefix + ".accepted]", String.valueOf(PARTITIONS),
                "relay.worker.consumer.revoke-drain", drain.toSeconds() + "s",
                "relay.worker.consumer.shutdown-grace", drain.toSeconds() + "s",
                // the first worker notices the joining one within this, not Kafka's default 3 s
                "spring.kafka.consumer.heartbeat-interval", "500ms",
                // a cold first connection on a busy machine must not look like a silent Dify
                "relay.worker.reply.idle-timeout", "10s"));
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString();
    }

    private static double handovers(ConfigurableApplicationContext worker, String outcome) {
        Counter counter = worker.getBean(MeterRegistry.class).find("relay.worker.handovers")
                .tag("bot", WorkerTestSupport.BOT).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
