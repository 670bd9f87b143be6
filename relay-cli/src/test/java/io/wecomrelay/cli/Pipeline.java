package io.wecomrelay.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.topology.ProcessorTopics;
import io.wecomrelay.processor.topology.ProcessorTopology;
import io.wecomrelay.processor.topology.StreamsSettings;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes to the shared broker what the pipeline would have: inbound messages, the decisions the processor's own
 * topology makes of them (under a test driver, as the running processor would), and chunks and deliveries by hand.
 */
public final class Pipeline implements AutoCloseable {

    private final KafkaProducer<String, RelayEvent> producer;
    private final TopologyTestDriver driver;
    private final org.apache.kafka.streams.TestInputTopic<String, MessageReceived> inbound;
    private final org.apache.kafka.streams.TestOutputTopic<String, RelayEvent> accepted;
    private final org.apache.kafka.streams.TestOutputTopic<String, RelayEvent> rejected;

    public Pipeline() {
        var settings = new HashMap<String, Object>();
        settings.put("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers());
        producer = new KafkaProducer<>(settings, new StringSerializer(), EventSerde.any());
        var topics = ProcessorTopics.DEFAULT;
        var scheme = new DeadLetterScheme("test-processor", Clock.systemUTC(), new SimpleMeterRegistry());
        Map<String, Object> config = new HashMap<>(StreamsSettings.guarantees("pipeline-" + UUID.randomUUID(), topics, scheme));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "ttd:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, "target/pipeline-ttd/" + UUID.randomUUID());
        var topology = new ProcessorTopology(new ProcessorTopology.Settings(topics, java.time.Duration.ofHours(24),
                EntitlementPolicy.DISABLED), bots(), decided -> { }).build(config);
        var properties = new Properties();
        properties.putAll(config);
        driver = new TopologyTestDriver(topology, properties);
        inbound = driver.createInputTopic(topics.inbound(), new StringSerializer(), EventSerde.of(MessageReceived.class));
        accepted = driver.createOutputTopic(topics.accepted(), new StringDeserializer(), EventSerde.any());
        rejected = driver.createOutputTopic(topics.rejected(), new StringDeserializer(), EventSerde.any());
    }

    public static BotRegistry bots() {
        try (InputStream in = Pipeline.class.getResourceAsStream("/bots.yaml")) {
            return new BotRegistryLoader(name -> null).parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates every catalog topic once (the tool's own {@code topics create}). */
    public static void topics() {
        Cli.Result created = Cli.onBroker(Clock.systemUTC(), 2, "topics", "create");
        if (created.code() != 0) {
            throw new IllegalStateException("topics create failed: " + created.err());
        }
    }

    public static MessageReceived text(String botId, String msgId, String userId, String content, Instant at) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgid", msgId).put("aibotid", botId).put("chattype", "single").put("msgtype", "text");
        body.putObject("from").put("userid", userId);
        body.putObject("text").put("content", content);
        var message = new InboundMessage(msgId, "text", null, ChatType.SINGLE, null, userId, null, body);
        return new MessageReceived(new EventMeta(UUID.randomUUID(), "trace-" + UUID.randomUUID(), at), botId,
                StreamIds.of(botId, msgId), message);
    }

    /** Sends the message to wecom.inbound and the processor's decision of it to wecom.accepted or wecom.rejected. */
    public RelayEvent receive(MessageReceived received) {
        long at = received.meta().occurredAt().toEpochMilli();
        send(Topics.INBOUND.name(), received.botId(), received, at);
        inbound.pipeInput(new TestRecord<>(received.botId(), received, null, at));
        List<RelayEvent> decisions = new ArrayList<>();
        accepted.readRecordsToList().forEach(r -> decisions.add(r.value()));
        rejected.readRecordsToList().forEach(r -> decisions.add(r.value()));
        RelayEvent decision = decisions.get(0);
        decide(decision);
        return decision;
    }

    /** Writes a decision as the processor would have recorded it. */
    public void decide(RelayEvent decision) {
        String topic = decision instanceof MessageAccepted ? Topics.ACCEPTED.name() : Topics.REJECTED.name();
        String key = decision instanceof MessageAccepted a ? a.conversationKey() : decision.streamId();
        send(topic, key, decision, decision.meta().occurredAt().toEpochMilli());
    }

    public void send(String topic, String key, RelayEvent event, long timestamp) {
        var headers = new RecordHeaders();
        headers.add(EventHeaders.TRACE_ID, event.meta().traceId().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(new ProducerRecord<>(topic, null, timestamp, key, event, headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public static Clock clockAt(Instant at) {
        return Clock.fixed(at, ZoneOffset.UTC);
    }

    @Override
    public void close() {
        producer.close();
        driver.close();
    }
}
