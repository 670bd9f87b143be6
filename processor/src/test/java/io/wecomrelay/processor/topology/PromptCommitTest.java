package io.wecomrelay.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.decision.DecisionListener;
import io.wecomrelay.processor.decision.DecisionTrace;
import io.wecomrelay.processor.decision.PromptCommits;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.kafka.KafkaAdmins;
import io.wecomrelay.support.kafka.TopicProvisioner;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production topology under exactly-once on the shared broker, with a commit interval (a minute) far longer than
 * the test waits: a lone decision still reaches a read_committed reader, because it asks for its commit at once
 * ({@link PromptCommits}); one made right after it waits for the interval, so decisions are not committed one by one.
 */
class PromptCommitTest {

    private static final Duration COMMIT_INTERVAL = Duration.ofMinutes(1);

    private final String prefix = "prompt-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final ProcessorTopics topics = ProcessorTopics.prefixed(prefix);
    private KafkaStreams streams;

    @TempDir
    Path stateDir;

    @AfterEach
    void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void aLoneDecisionIsCommittedAtOnceAndOneRightAfterItWaitsForTheInterval() {
        provisionTopics();
        streams = start(PromptCommits.afterQuiet(COMMIT_INTERVAL, System::nanoTime));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var decisions = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var reader = BrokerIO.readCommitted(List.of(topics.accepted(), topics.rejected()));
             var producer = BrokerIO.producer()) {
            // When one message arrives on a quiet processor
            producer.send(BrokerIO.inbound(topics.inbound(), Inbound.text("bot-a", "m-1", "zhangsan", now)));
            producer.flush();

            // Then its decision is committed long before the minute's regular commit
            BrokerIO.pollUntil(reader, decisions, seen -> seen.size() == 1, Duration.ofSeconds(45));
            assertThat(msgIds(decisions)).containsExactly("m-1");

            // When a second follows right after it, inside the quiet spell
            producer.send(BrokerIO.inbound(topics.inbound(), Inbound.text("bot-a", "m-2", "lisi", now.plusMillis(1))));
            producer.flush();

            // Then it is decided but not committed on its own: a few seconds show nothing new
            pollFor(reader, decisions, Duration.ofSeconds(5));
            assertThat(msgIds(decisions)).containsExactly("m-1");

            // and a clean close commits it, with the same exactly-once transaction as ever
            streams.close(Duration.ofSeconds(30));
            streams = null;
            BrokerIO.pollUntil(reader, decisions, seen -> seen.size() == 2, Duration.ofSeconds(45));
            assertThat(msgIds(decisions)).containsExactly("m-1", "m-2");
        }
    }

    private KafkaStreams start(PromptCommits promptCommits) {
        var deadLetters = new DeadLetterScheme("wecom-relay-processor", Clock.systemUTC(), new SimpleMeterRegistry());
        var config = new HashMap<>(StreamsSettings.guarantees(prefix + "processor", topics, deadLetters));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
        config.put(StreamsConfig.POLL_MS_CONFIG, 50L);
        // an open transaction outlives the interval instead of being aborted by the broker (Streams' default: 10 s)
        config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                (int) COMMIT_INTERVAL.multipliedBy(2).toMillis());
        var settings = new ProcessorTopology.Settings(topics, Duration.ofHours(24), EntitlementPolicy.DISABLED);
        var topology = new ProcessorTopology(settings, Inbound.bots(), DecisionListener.NONE, DecisionTrace.NONE,
                promptCommits).build(config);
        var properties = new Properties();
        properties.putAll(config);
        var started = new KafkaStreams(topology, properties);
        started.start();
        return started;
    }

    private void provisionTopics() {
        try (Admin admin = KafkaAdmins.create(Map.of("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers()))) {
            var partitions = new HashMap<String, Integer>();
            topics.specs().forEach(spec -> partitions.put(spec.name(), 1));
            new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(topics.specs(), partitions);
        }
    }

    private static void pollFor(KafkaConsumer<String, byte[]> reader,
                                List<ConsumerRecord<String, byte[]>> into, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            reader.poll(Duration.ofMillis(200)).forEach(into::add);
        }
    }

    private static List<String> msgIds(List<ConsumerRecord<String, byte[]>> records) {
        return BrokerIO.events(records).stream().map(PromptCommitTest::msgId).toList();
    }

    private static String msgId(RelayEvent event) {
        return event instanceof MessageAccepted accepted ? accepted.message().msgId()
                : ((MessageRejected) event).message().msgId();
    }
}
