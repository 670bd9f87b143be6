package io.wecomrelay.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.kafka.KafkaAdmins;
import io.wecomrelay.support.kafka.TopicProvisioner;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: the processor runs in a child JVM on the real broker, is killed
 * (SIGKILL, no clean shutdown) while input is still arriving, and is restarted on the same state
 * directory. Every input gets exactly one committed decision, and the decisions are the very ones a
 * crash-free run gives ({@code TopologyTestDriver} on the same input): nothing lost, nothing doubled,
 * no dedup or rate-limit state applied twice or forgotten.
 */
class ProcessorCrashRestartTest {

    private static final int MESSAGES = 240;

    private final String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final ProcessorTopics topics = ProcessorTopics.prefixed(prefix);
    private final List<Process> children = new ArrayList<>();

    @TempDir
    Path stateDir;

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void killedAndRestartedMidStreamLosesAndDoublesNoDecision() throws Exception {
        // Given the topics and a running processor
        provisionTopics();
        // record times in the recent past: the broker keeps them (retention) and does not warn about the future
        List<MessageReceived> input = input(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(2)));
        Map<UUID, String> expected = crashFreeDecisions(input);
        String applicationId = prefix + "processor";
        Process first = startProcessor(applicationId, "first");

        // When input streams in and the processor is killed after some decisions were committed
        var decisions = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var reader = BrokerIO.readCommitted(List.of(topics.accepted(), topics.rejected()))) {
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produceSlowly(input));
            BrokerIO.pollUntil(reader, decisions, seen -> seen.size() >= MESSAGES / 6, Duration.ofSeconds(60));
            int decidedBeforeKill = decisions.size();
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(decidedBeforeKill).as("killed mid-stream").isBetween(1, MESSAGES - 1);
            startProcessor(applicationId, "second");
            producing.get(60, TimeUnit.SECONDS);

            // Then every input is decided exactly once, as a crash-free run decides it
            BrokerIO.pollUntil(reader, decisions, seen -> seen.size() >= MESSAGES, Duration.ofSeconds(120));
            // once the processor has committed every input, every decision it will ever make is committed: a double too
            awaitEveryInputCommitted(applicationId);
            BrokerIO.pollToEnd(reader, decisions, Duration.ofSeconds(60));
        }
        Map<UUID, List<RelayEvent>> byEventId = BrokerIO.events(decisions).stream()
                .collect(Collectors.groupingBy(event -> event.meta().eventId()));
        assertThat(byEventId.values()).allSatisfy(same -> assertThat(same).hasSize(1));
        assertThat(byEventId.keySet()).isEqualTo(expected.keySet());
        assertThat(outcomes(BrokerIO.events(decisions))).isEqualTo(expected);
        assertThat(countByMsgId(BrokerIO.events(decisions))).isEqualTo(countByMsgId(input));
    }

    /** Three bots round robin, 250 ms apart in record time, with retries: dedup and rate limits both decide. */
    private static List<MessageReceived> input(Instant t0) {
        String[] bots = {"bot-a", "bot-b", "bot-solo"};
        var input = new ArrayList<MessageReceived>();
        for (int i = 0; i < MESSAGES; i++) {
            String bot = bots[i % bots.length];
            String msgId = i % 16 == 15 ? "m-" + (i - 3) : "m-" + i;     // every 16th is a retry of the same bot's earlier msgid
            input.add(Inbound.text(bot, msgId, "user-" + (i % 5), t0.plusMillis(250L * i)));
        }
        return input;
    }

    private static Map<UUID, String> crashFreeDecisions(List<MessageReceived> input) {
        try (var harness = TopologyHarness.start()) {
            input.forEach(harness::send);
            var events = new ArrayList<RelayEvent>();
            harness.acceptedRecords().forEach(record -> events.add(record.value()));
            harness.rejectedRecords().forEach(record -> events.add(record.value()));
            Map<UUID, String> outcomes = outcomes(events);
            assertThat(outcomes).hasSize(MESSAGES);
            assertThat(outcomes.values()).contains("rejected DUPLICATE", "rejected RATE_LIMITED", "accepted accept");
            return outcomes;
        }
    }

    private static Map<UUID, String> outcomes(List<RelayEvent> events) {
        var outcomes = new HashMap<UUID, String>();
        for (RelayEvent event : events) {
            String outcome = event instanceof MessageAccepted accepted
                    ? "accepted " + accepted.decision().rule()
                    : "rejected " + ((MessageRejected) event).reason();
            outcomes.put(event.meta().eventId(), outcome);
        }
        return outcomes;
    }

    private static <T> Map<String, Long> countByMsgId(List<T> events) {
        Function<T, String> msgId = event -> event instanceof MessageReceived received ? received.message().msgId()
                : event instanceof MessageAccepted accepted ? accepted.message().msgId() : ((MessageRejected) event).message().msgId();
        return events.stream().collect(Collectors.groupingBy(msgId, Collectors.counting()));
    }

    /** Offsets and decisions commit in one transaction, so committed input offsets at the end mean all decisions are out. */
    private void awaitEveryInputCommitted(String applicationId) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(List.of(topics.inbound())).allTopicNames().get().get(topics.inbound()).partitions()
                        .forEach(partition -> latest.put(new TopicPartition(topics.inbound(), partition.partition()), OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                var committed = admin.listConsumerGroupOffsets(applicationId, new ListConsumerGroupOffsetsOptions().requireStable(true))
                        .partitionsToOffsetAndMetadata().get();
                latest.keySet().forEach(partition -> assertThat(committed.get(partition)).as("committed offset of " + partition)
                        .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(ends.get(partition).offset()));
            });
        }
    }

    private void provisionTopics() {
        try (Admin admin = KafkaAdmins.create(Map.of("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers()))) {
            var partitions = new HashMap<String, Integer>();
            topics.specs().forEach(spec -> partitions.put(spec.name(), 3));
            new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(topics.specs(), partitions);
        }
    }

    private void produceSlowly(List<MessageReceived> input) {
        try (var producer = BrokerIO.producer()) {
            for (MessageReceived received : input) {
                producer.send(BrokerIO.inbound(topics.inbound(), received));
                Thread.sleep(15);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startProcessor(String applicationId, String name) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), StandaloneProcessor.class.getName(),
                TestInfrastructure.kafkaBootstrapServers(), applicationId, prefix, Files.createDirectories(stateDir).toString())
                .redirectErrorStream(true)
                .start();
        children.add(child);
        var running = new CountDownLatch(1);
        Thread pump = new Thread(() -> pump(child, name, running), "child-" + name);
        pump.setDaemon(true);
        pump.start();
        assertThat(running.await(60, TimeUnit.SECONDS)).as(name + " processor reaches RUNNING").isTrue();
        return child;
    }

    private static void pump(Process child, String name, CountDownLatch running) {
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[" + name + "] " + line);
                if (line.equals("STATE RUNNING")) {
                    running.countDown();
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
    }
}
