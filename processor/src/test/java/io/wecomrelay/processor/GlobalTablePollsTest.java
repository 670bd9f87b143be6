package io.wecomrelay.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.processor.auth.Auth;
import io.wecomrelay.processor.auth.Entitlement;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.auth.EntitlementSerde;
import io.wecomrelay.processor.auth.Grant;
import io.wecomrelay.processor.decision.DecisionListener;
import io.wecomrelay.processor.topology.BrokerIO;
import io.wecomrelay.processor.topology.Inbound;
import io.wecomrelay.processor.topology.ProcessorTopics;
import io.wecomrelay.processor.topology.ProcessorTopology;
import io.wecomrelay.processor.topology.StreamsSettings;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.kafka.KafkaAdmins;
import io.wecomrelay.support.kafka.TopicProvisioner;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global thread's long poll on the real broker, entitlements on: a grant written while the global consumer waits
 * applies long before that wait would end, and closing the app wakes the wait instead of sitting it out. The wait here
 * (ten minutes) is far longer than anything the test waits for, so neither can pass by the wait running out.
 */
class GlobalTablePollsTest {

    private static final Duration LONG_WAIT = Duration.ofMinutes(10);

    private final String prefix = "global-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final ProcessorTopics topics = ProcessorTopics.prefixed(prefix);
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private KafkaStreams streams;

    @TempDir
    Path stateDir;

    @AfterEach
    void closeStreams() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void grantAppliesWhileTheGlobalConsumerWaitsAndCloseWakesIt() throws Exception {
        // Given the processor with entitlements for bot-a, its global consumer waiting ten minutes per poll
        provisionTopics();
        var polls = new GlobalTablePolls(LONG_WAIT);
        streams = start(polls);
        assertThat(polls.globalConsumer()).isInstanceOf(GlobalTablePolls.GlobalTableConsumer.class);
        assertThat(decide(Inbound.text("bot-a", "m-" + UUID.randomUUID(), "zhangsan", Instant.now())))
                .isEqualTo("rejected auth.entitlement");

        // When a grant is written to the entitlements topic while it waits
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new EntitlementSerde())) {
            producer.send(new ProducerRecord<>(topics.entitlements(), "zhangsan",
                    new Entitlement(List.of(new Grant("bot-a", null))))).get(10, TimeUnit.SECONDS);
        }

        // Then the table has it well within the wait, and the next message is accepted
        ReadOnlyKeyValueStore<String, Entitlement> table = streams.store(
                StoreQueryParameters.fromNameAndType(Auth.ENTITLEMENTS_STORE, QueryableStoreTypes.keyValueStore()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(table.get("zhangsan")).isNotNull());
        assertThat(decide(Inbound.text("bot-a", "m-" + UUID.randomUUID(), "zhangsan", Instant.now())))
                .isEqualTo("accepted accept");

        // And closing wakes the global consumer: the app stops well within the wait, cleanly
        assertThat(streams.close(Duration.ofSeconds(60))).as("closed before the timeout").isTrue();
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        assertThat(uncaught).isEmpty();
    }

    private KafkaStreams start(GlobalTablePolls polls) {
        var deadLetters = new DeadLetterScheme("wecom-relay-processor", Clock.systemUTC(), new SimpleMeterRegistry());
        var config = new HashMap<>(StreamsSettings.guarantees(prefix + "processor", topics, deadLetters));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        config.put(StreamsConfig.POLL_MS_CONFIG, 10);
        var settings = new ProcessorTopology.Settings(topics, Duration.ofHours(24), new EntitlementPolicy(true, Set.of("bot-a")));
        var topology = new ProcessorTopology(settings, Inbound.bots(), DecisionListener.NONE).build(config);
        var properties = new Properties();
        properties.putAll(config);
        var app = new KafkaStreams(topology, properties, polls);
        app.setStateListener(polls);
        app.setUncaughtExceptionHandler(exception -> {
            uncaught.add(exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
        return app;
    }

    /** Sends the message and waits for its decision: "accepted rule" or "rejected rule". */
    private String decide(MessageReceived message) throws Exception {
        try (var producer = BrokerIO.producer()) {
            producer.send(BrokerIO.inbound(topics.inbound(), message)).get(10, TimeUnit.SECONDS);
        }
        var decisions = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var reader = BrokerIO.readCommitted(List.of(topics.accepted(), topics.rejected()))) {
            BrokerIO.pollUntil(reader, decisions, seen -> seen.stream().anyMatch(record -> isFor(record, message)),
                    Duration.ofSeconds(60));
        }
        RelayEvent decision = decisions.stream().filter(record -> isFor(record, message)).map(BrokerIO::event)
                .findFirst().orElseThrow();
        return decision instanceof MessageAccepted accepted ? "accepted " + accepted.decision().rule()
                : "rejected " + ((MessageRejected) decision).decision().rule();
    }

    private static boolean isFor(ConsumerRecord<String, byte[]> record, MessageReceived message) {
        return BrokerIO.event(record).streamId().equals(message.streamId());
    }

    private void provisionTopics() {
        try (Admin admin = KafkaAdmins.create(Map.of("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers()))) {
            var partitions = new HashMap<String, Integer>();
            topics.specs().forEach(spec -> partitions.put(spec.name(), 1));
            new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(topics.specs(), partitions);
        }
    }
}
