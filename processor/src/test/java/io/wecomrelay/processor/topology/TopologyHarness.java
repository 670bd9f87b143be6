package io.wecomrelay.processor.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.processor.auth.Entitlement;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.auth.EntitlementSerde;
import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The processor topology in a {@link TopologyTestDriver}: no broker, record time only. */
final class TopologyHarness implements AutoCloseable {

    static final ProcessorTopics TOPICS = ProcessorTopics.DEFAULT;
    static final Duration RETENTION = Duration.ofHours(24);
    static final String SERVICE = "wecom-relay-processor";

    final List<Case> listened = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, MessageReceived> inbound;
    private final TestInputTopic<byte[], byte[]> rawInbound;
    private final TestInputTopic<String, Entitlement> entitlements;
    private final TestOutputTopic<String, RelayEvent> accepted;
    private final TestOutputTopic<String, RelayEvent> rejected;
    private final TestOutputTopic<byte[], byte[]> deadLetters;

    private TopologyHarness(EntitlementPolicy policy, boolean isolated) {
        var settings = new ProcessorTopology.Settings(TOPICS, RETENTION, policy);
        Map<String, Object> config = streamsConfig("ttd-" + UUID.randomUUID(),
                new DeadLetterScheme(SERVICE, Clock.fixed(Inbound.T0, ZoneOffset.UTC), meters));
        var processor = new ProcessorTopology(settings, Inbound.bots(), listened::add);
        var topology = isolated ? processor.buildIsolated(config) : processor.build(config);
        var properties = new java.util.Properties();
        properties.putAll(config);
        driver = new TopologyTestDriver(topology, properties);
        inbound = driver.createInputTopic(TOPICS.inbound(), new StringSerializer(), EventSerde.of(MessageReceived.class));
        rawInbound = driver.createInputTopic(TOPICS.inbound(), new ByteArraySerializer(), new ByteArraySerializer());
        entitlements = driver.createInputTopic(TOPICS.entitlements(), new StringSerializer(), new EntitlementSerde());
        accepted = driver.createOutputTopic(TOPICS.accepted(), new StringDeserializer(), EventSerde.any());
        rejected = driver.createOutputTopic(TOPICS.rejected(), new StringDeserializer(), EventSerde.any());
        deadLetters = driver.createOutputTopic(TOPICS.inboundDeadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static TopologyHarness start() {
        return new TopologyHarness(EntitlementPolicy.DISABLED, false);
    }

    /** The topology as {@code relay replay} runs it: stores in memory, without changelogs. */
    static TopologyHarness isolated() {
        return new TopologyHarness(EntitlementPolicy.DISABLED, true);
    }

    static TopologyHarness withEntitlements(EntitlementPolicy policy) {
        return new TopologyHarness(policy, false);
    }

    static Map<String, Object> streamsConfig(String applicationId) {
        return streamsConfig(applicationId, new DeadLetterScheme(SERVICE, Clock.systemUTC(), new SimpleMeterRegistry()));
    }

    static Map<String, Object> streamsConfig(String applicationId, DeadLetterScheme deadLetters) {
        var config = new HashMap<>(StreamsSettings.guarantees(applicationId, TOPICS, deadLetters));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "ttd:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "kafka-streams-ttd").toAbsolutePath().toString());
        return config;
    }

    /** Pipes the event as ingress would: keyed by bot id, trace id header, timestamp = when ingress received it. */
    void send(MessageReceived received) {
        var headers = new RecordHeaders();
        headers.add(EventHeaders.TRACE_ID, received.meta().traceId().getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.EVENT_TYPE, MessageReceived.TYPE.getBytes(StandardCharsets.UTF_8));
        inbound.pipeInput(new TestRecord<>(received.botId(), received, headers, received.meta().occurredAt()));
    }

    void sendRaw(String key, byte[] value) {
        var headers = new RecordHeaders();
        headers.add(EventHeaders.TRACE_ID, "trace-poison".getBytes(StandardCharsets.UTF_8));
        rawInbound.pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), value, headers, Inbound.T0));
    }

    void grant(String userId, Entitlement entitlement) {
        entitlements.pipeInput(userId, entitlement);
    }

    void revoke(String userId) {
        entitlements.pipeInput(userId, null);
    }

    void grantRaw(String userId, String json) {
        driver.createInputTopic(TOPICS.entitlements(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(userId, json.getBytes(StandardCharsets.UTF_8));
    }

    List<TestRecord<String, RelayEvent>> acceptedRecords() {
        return accepted.readRecordsToList();
    }

    List<TestRecord<String, RelayEvent>> rejectedRecords() {
        return rejected.readRecordsToList();
    }

    List<MessageAccepted> accepted() {
        return accepted.readValuesToList().stream().map(MessageAccepted.class::cast).toList();
    }

    List<MessageRejected> rejected() {
        return rejected.readValuesToList().stream().map(MessageRejected.class::cast).toList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
