package io.wecomrelay.testkit;

import java.util.Map;

import io.wecomrelay.testkit.internal.BrokerInternalsFilter;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A single-node KRaft broker running inside this JVM, configured so that EOS Kafka Streams works. */
public final class LocalKafka implements AutoCloseable {

    /**
     * Without these a one-broker cluster cannot host the transaction state log, and an
     * exactly-once Streams app stays in REBALANCING forever.
     */
    public static final Map<String, String> SINGLE_BROKER_SETTINGS = Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "offsets.topic.replication.factor", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    private final EmbeddedKafkaKraftBroker broker;

    private LocalKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    /** Starts a broker on {@code port} (0 picks a free one). */
    public static LocalKafka start(int port) {
        var broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(SINGLE_BROKER_SETTINGS);
        if (port > 0) {
            broker.kafkaPorts(port);
        }
        BrokerInternalsFilter.run(broker::afterPropertiesSet);
        return new LocalKafka(broker);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
