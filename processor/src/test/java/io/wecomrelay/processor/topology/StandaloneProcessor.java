package io.wecomrelay.processor.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Properties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.decision.DecisionListener;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The production topology and Streams settings on plain {@link KafkaStreams}, run in a child JVM by
 * {@link ProcessorCrashRestartTest} so that it can be killed for real. Prints {@code STATE <state>} on
 * every state change; exits when its standard input closes.
 * <p>
 * Arguments: bootstrap servers, application id, topic prefix, state directory.
 */
public final class StandaloneProcessor {

    private StandaloneProcessor() {
    }

    public static void main(String[] args) throws Exception {
        ProcessorTopics topics = ProcessorTopics.prefixed(args[2]);
        var deadLetters = new DeadLetterScheme("wecom-relay-processor", Clock.systemUTC(), new SimpleMeterRegistry());
        var config = new HashMap<>(StreamsSettings.guarantees(args[1], topics, deadLetters));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        config.put(StreamsConfig.STATE_DIR_CONFIG, args[3]);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // a killed member leaves the group after this, instead of the default 45 s
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        var settings = new ProcessorTopology.Settings(topics, Duration.ofHours(24), EntitlementPolicy.DISABLED);
        var topology = new ProcessorTopology(settings, Inbound.bots(), DecisionListener.NONE).build(config);
        var properties = new Properties();
        properties.putAll(config);
        var streams = new KafkaStreams(topology, properties);
        streams.setStateListener((now, before) -> System.out.println("STATE " + now));
        streams.start();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        streams.close(Duration.ofSeconds(10));
        System.exit(0);
    }
}
