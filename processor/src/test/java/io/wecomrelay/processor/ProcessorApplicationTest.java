package io.wecomrelay.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.processor.decision.DecisionRecorder;
import io.wecomrelay.processor.ops.DecisionMetrics;
import io.wecomrelay.processor.topology.BrokerIO;
import io.wecomrelay.processor.topology.Inbound;
import io.wecomrelay.processor.topology.ProcessorTopics;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The application as it runs, on the real broker with exactly-once: it provisions its topics,
 * reaches RUNNING, reports that in {@code /actuator/health}, decides, counts and dead-letters. It owns
 * the default topic names on this JVM's broker; other broker tests use prefixed names.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext   // close the Streams app while the shared broker still runs, not in a JVM shutdown hook
class ProcessorApplicationTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String INGRESS_TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-00";
    static final String LEGACY_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    @TempDir
    static Path stateDir;

    /** A copy of the test bots, which {@link #botsAddedOrChangedInTheFileApplyToTheNextMessage} edits. */
    static final Path BOTS = copyOfTheTestBots();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ProcessorProperties properties;

    @Autowired
    org.springframework.kafka.config.KafkaStreamsConfiguration streamsConfig;

    @Autowired
    GlobalTablePolls globalTablePolls;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("relay.processor.bots-file", () -> BOTS.toString());
        registry.add("relay.processor.bots-reload-interval", () -> "100ms");
        registry.add("relay.processor.application-id", () -> "spring-test-" + UUID.randomUUID());
        registry.add("relay.processor.streams.state-dir", () -> stateDir.toString());
        registry.add("relay.processor.topics.partitions.inbound", () -> 2);
        registry.add("relay.processor.topics.partitions.accepted", () -> 2);
        registry.add("relay.processor.topics.partitions.rejected", () -> 2);
        registry.add("relay.processor.topics.partitions.entitlements", () -> 1);
    }

    @Test
    void provisionsTopicsReachesRunningDecidesAndDeadLetters() throws Exception {
        // Given the application reached RUNNING, as its health says
        awaitHealthState("RUNNING");
        // (its global thread, the entitlements table, polls through the quiet consumer: GlobalTablePollsTest)
        assertThat(globalTablePolls.globalConsumer()).isInstanceOf(GlobalTablePolls.GlobalTableConsumer.class);
        assertThat(topicNames()).containsAll(ProcessorTopics.DEFAULT.specs().stream().map(spec -> spec.name()).toList());

        // When a message, its retry and a poison record arrive
        MessageReceived message = Inbound.text("bot-a", "spring-" + UUID.randomUUID(), "zhangsan", Instant.now());
        String inbound = ProcessorTopics.DEFAULT.inbound();
        // (the message with ingress's traceparent; its retry as an older ingress wrote it, with a trace-id header)
        var decisionLog = new ListAppender<ILoggingEvent>();
        decisionLog.start();
        decisionLogger().addAppender(decisionLog);
        Level quietLevel = decisionLogger().getLevel();   // the test logging config keeps rejections out of the output
        decisionLogger().setLevel(Level.INFO);
        var first = BrokerIO.inbound(inbound, message);
        first.headers().remove(EventHeaders.TRACE_ID);
        first.headers().add(TraceHeaders.TRACEPARENT, INGRESS_TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        var retry = BrokerIO.inbound(inbound, Inbound.text("bot-a", message.message().msgId(), "zhangsan",
                message.meta().occurredAt().plusSeconds(2)));
        retry.headers().remove(EventHeaders.TRACE_ID);
        retry.headers().add(EventHeaders.TRACE_ID, LEGACY_TRACE_ID.getBytes(StandardCharsets.UTF_8));
        try (var producer = BrokerIO.producer()) {
            producer.send(first).get(10, TimeUnit.SECONDS);
            producer.send(retry).get(10, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(inbound, "bot-a", "{\"type\":\"nonsense.v0\"}".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }

        // Then it accepts the first, rejects the retry as a duplicate and dead-letters the poison record
        var records = new ArrayList<ConsumerRecord<String, byte[]>>();
        Predicate<ConsumerRecord<String, byte[]>> ours = record -> record.key().startsWith("bot-a")
                || record.key().equals(message.streamId());   // accepted and dead letter by bot, rejected by stream
        try (var reader = BrokerIO.readCommitted(List.of(ProcessorTopics.DEFAULT.accepted(), ProcessorTopics.DEFAULT.rejected(),
                ProcessorTopics.DEFAULT.inboundDeadLetter()))) {
            BrokerIO.pollUntil(reader, records, seen -> seen.stream().filter(ours).count() >= 3, Duration.ofSeconds(60));
        }
        records.removeIf(ours.negate());
        assertThat(records).hasSize(3);
        ConsumerRecord<String, byte[]> accepted = only(records, ProcessorTopics.DEFAULT.accepted());
        assertThat(accepted.key()).isEqualTo("bot-a:u:zhangsan");
        assertThat(((MessageAccepted) BrokerIO.event(accepted)).streamId()).isEqualTo(message.streamId());
        // (the decision continues the message's trace, under the processor's own span; the older record's trace id is
        // continued too, and its trace-id header is not written again)
        assertThat(header(accepted, TraceHeaders.TRACEPARENT)).startsWith("00-" + TRACE_ID + "-")
                .isNotEqualTo(INGRESS_TRACEPARENT);
        assertThat(accepted.headers().lastHeader(EventHeaders.TRACE_ID)).isNull();
        ConsumerRecord<String, byte[]> rejected = only(records, ProcessorTopics.DEFAULT.rejected());
        assertThat(((MessageRejected) BrokerIO.event(rejected)).reason()).isEqualTo(RejectReason.DUPLICATE);
        assertThat(header(rejected, TraceHeaders.TRACEPARENT)).startsWith("00-" + LEGACY_TRACE_ID + "-");
        assertThat(rejected.headers().lastHeader(EventHeaders.TRACE_ID)).isNull();
        // (and the decision's log line carries the trace id and the processor's span id)
        decisionLogger().detachAppender(decisionLog);
        decisionLogger().setLevel(quietLevel);
        assertThat(decisionLog.list).as(() -> "decision log: " + decisionLog.list.stream()
                        .map(line -> line.getFormattedMessage() + " " + line.getMDCPropertyMap()).toList()).filteredOn(line -> line.getFormattedMessage().startsWith("rejected reason=DUPLICATE")
                        && line.getFormattedMessage().contains(message.message().msgId()))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.getMDCPropertyMap()).containsEntry("traceId", LEGACY_TRACE_ID)
                        .containsEntry("spanId", header(rejected, TraceHeaders.TRACEPARENT).substring(36, 52)));
        ConsumerRecord<String, byte[]> dead = only(records, ProcessorTopics.DEFAULT.inboundDeadLetter());
        assertThat(header(dead, DeadLetterHeaders.EXCEPTION)).endsWith("UnknownEventTypeException");
        assertThat(header(dead, DeadLetterHeaders.SERVICE)).isEqualTo("wecom-relay-processor");

        // And the decisions are counted by bot, outcome, reason and rule
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.find(DecisionMetrics.NAME).tags("bot", "bot-a", "outcome", "accepted", "reason", "none", "rule", "accept")
                    .counters().stream().mapToDouble(Counter::count).sum()).isEqualTo(1.0);
            assertThat(meters.find(DecisionMetrics.NAME).tags("bot", "bot-a", "outcome", "rejected", "reason", "duplicate")
                    .counters().stream().mapToDouble(Counter::count).sum()).isEqualTo(1.0);
        });
        String scraped = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scraped).contains("relay_processor_decisions_total{bot=\"bot-a\",outcome=\"accepted\",reason=\"none\",rule=\"accept\"");
        // And the hop from the inbound record to its decision is a histogram per bot
        assertThat(scraped).contains("relay_hop_latency_seconds_bucket{bot=\"bot-a\",hop=\"inbound_to_decision\",le=");
        // And the consumer lag of the Streams app's consumer is there for the dashboard
        assertThat(scraped).contains("kafka_consumer_fetch_manager_records_lag_max{");
        // And the dead letter is counted as in every service
        assertThat(scraped).contains("relay_dead_letters_total{cause=\"UnknownEventTypeException\",service=\"wecom-relay-processor\","
                + "topic=\"" + inbound + "\"}");
    }

    @Test
    void botsAddedOrChangedInTheFileApplyToTheNextMessage() throws Exception {
        awaitHealthState("RUNNING");
        MessageReceived unknown = Inbound.text("bot-new", "reload-" + UUID.randomUUID(), "zhangsan", Instant.now());
        MessageReceived allowed = Inbound.text("bot-b", "reload-" + UUID.randomUUID(), "lisi", Instant.now());
        assertThat(decide(unknown)).isEqualTo(RejectReason.BOT_UNKNOWN);
        assertThat(decide(allowed)).isNull();

        // When a bot is added and bot-b now denies lisi
        String bots = Files.readString(BOTS, StandardCharsets.UTF_8).replace("""
                    dify: { base-url: http://dify.test/v1, api-key: app-b, allow-insecure-http: true }
                """, """
                    dify: { base-url: http://dify.test/v1, api-key: app-b, allow-insecure-http: true }
                    auth: { deny-users: [lisi] }
                """);
        Files.writeString(BOTS, bots + """
                  - id: bot-new
                    token: tokenNew
                    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
                    dify: { base-url: http://dify.test/v1, api-key: app-new, allow-insecure-http: true }
                """, StandardCharsets.UTF_8);
        awaitReloads();

        // Then the next messages are decided by the new file
        assertThat(decide(Inbound.text("bot-new", "reload-" + UUID.randomUUID(), "zhangsan", Instant.now()))).isNull();
        assertThat(decide(Inbound.text("bot-b", "reload-" + UUID.randomUUID(), "lisi", Instant.now())))
                .isEqualTo(RejectReason.UNAUTHORIZED);
    }

    @Test
    void applicationYamlGivesTheDocumentedDefaults() {
        assertThat(properties.dedupRetention()).isEqualTo(Duration.ofHours(24));
        assertThat(properties.entitlements().enabled()).isFalse();
        assertThat(properties.entitlements().bots()).isEmpty();
        assertThat(properties.topics().provision()).isTrue();
        assertThat(properties.topics().replicationFactor()).isEqualTo((short) -1);
        assertThat(properties.streams().threads()).isEqualTo(1);
        assertThat(properties.streams().commitInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(properties.streams().pollInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(properties.streams().globalPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(globalTablePolls.idleWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(streamsConfig.asProperties()).containsEntry("commit.interval.ms", 50L).containsEntry("poll.ms", 10L)
                .containsEntry("producer.linger.ms", 5).containsEntry("producer.retry.backoff.ms", 10)
                .containsEntry("processing.guarantee", "exactly_once_v2");
    }

    private void awaitHealthState(String state) {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<?, ?> health = client.get().uri("/actuator/health").exchange()
                    .expectBody(Map.class).returnResult().getResponseBody();
            Map<?, ?> streams = (Map<?, ?>) ((Map<?, ?>) health.get("components")).get("kafkaStreams");
            assertThat(((Map<?, ?>) streams.get("details")).get("state")).as("Kafka Streams state in /actuator/health").isEqualTo(state);
        });
        client.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.components.kafkaStreams.status").isEqualTo("UP");
    }

    /** Sends the message and waits for its decision: the reject reason, or null when it was accepted. */
    private static RejectReason decide(MessageReceived message) throws Exception {
        try (var producer = BrokerIO.producer()) {
            producer.send(BrokerIO.inbound(ProcessorTopics.DEFAULT.inbound(), message)).get(10, TimeUnit.SECONDS);
        }
        var decisions = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var reader = BrokerIO.readCommitted(List.of(ProcessorTopics.DEFAULT.accepted(), ProcessorTopics.DEFAULT.rejected()))) {
            BrokerIO.pollUntil(reader, decisions, seen -> seen.stream().anyMatch(record -> isFor(record, message)),
                    Duration.ofSeconds(60));
        }
        RelayEvent decision = decisions.stream().filter(record -> isFor(record, message)).map(BrokerIO::event)
                .findFirst().orElseThrow(() -> new AssertionError("no decision for " + message.streamId()));
        return decision instanceof MessageRejected rejected ? rejected.reason() : null;
    }

    private static boolean isFor(ConsumerRecord<String, byte[]> record, MessageReceived message) {
        RelayEvent event = BrokerIO.event(record);
        return event.streamId().equals(message.streamId());
    }

    private void awaitReloads() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reloads()).as("bots file reloads").isGreaterThanOrEqualTo(1.0));
    }

    private double reloads() {
        Counter reloads = meters.find(BotsFile.RELOADS).tag("outcome", "ok").counter();
        return reloads == null ? 0 : reloads.count();
    }

    private static java.util.Set<String> topicNames() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers()))) {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        }
    }

    private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> records, String topic) {
        var onTopic = records.stream().filter(record -> record.topic().equals(topic)).toList();
        assertThat(onTopic).as(topic).hasSize(1);
        return onTopic.get(0);
    }

    private static ch.qos.logback.classic.Logger decisionLogger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DecisionRecorder.class);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Path copyOfTheTestBots() {
        try {
            Path file = Files.createTempFile("bots", ".yaml");
            file.toFile().deleteOnExit();
            return Files.copy(Path.of(ProcessorApplicationTest.class.getResource("/bots.yaml").toURI()), file,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
