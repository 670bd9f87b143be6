package io.wecomrelay.processor;

import java.time.Clock;
import java.util.HashMap;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.ops.DecisionMetrics;
import io.wecomrelay.processor.ops.PolicyLog;
import io.wecomrelay.processor.topology.ProcessorTopics;
import io.wecomrelay.processor.topology.ProcessorTopology;
import io.wecomrelay.processor.topology.StreamsSettings;
import io.wecomrelay.processor.tracing.DecisionSpans;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileSettings;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.kafka.TopicProvisioning;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.DependsOn;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;

/**
 * The only Spring wiring of the processor. Order at start: the bots file is loaded before anything touches
 * Kafka; spring-kafka's {@code StreamsBuilderFactoryBean} builds and prints the topology, and starts it only
 * once the topics are provisioned (in the background, see {@link TopicProvisioning}), so the Streams app never
 * runs without them. The bots file is checked for changes every {@code bots-reload-interval} while it runs.
 */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableKafkaStreams
@EnableConfigurationProperties(ProcessorProperties.class)
class ProcessorConfiguration {

    /** service-support loads the bots file from these settings (bean {@code botsFile}) and watches it. */
    @Bean
    BotsFileSettings botsFileSettings(ProcessorProperties properties) {
        return new BotsFileSettings(properties.botsFile(), properties.botsReloadInterval());
    }

    /** The rules every decision uses, logged at start and after each reload. */
    @Bean
    PolicyLog policyLog(BotsFile bots) {
        return PolicyLog.follow(bots);
    }

    /** After the bots file: a broken configuration fails before any network call. */
    @Bean
    @DependsOn("botsFile")
    ProcessorTopics processorTopics() {
        return ProcessorTopics.DEFAULT;
    }

    @Bean
    TopicProvisioning topicProvisioning(KafkaProperties kafka, ProcessorProperties properties, ProcessorTopics topics) {
        ProcessorProperties.TopicSettings settings = properties.topics();
        if (!settings.provision()) {
            return TopicProvisioning.off();
        }
        return TopicProvisioning.of(kafka.buildAdminProperties(), topics.specs(), settings.partitions().byName(topics),
                settings.replicationFactor());
    }

    @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(KafkaProperties kafka, ProcessorProperties properties,
                                                        ProcessorTopics topics, DeadLetterScheme deadLetters) {
        var config = new HashMap<String, Object>(kafka.buildStreamsProperties());
        ProcessorProperties.StreamsTuning tuning = properties.streams();
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, tuning.threads());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, tuning.commitInterval().toMillis());
        config.put(StreamsConfig.POLL_MS_CONFIG, tuning.pollInterval().toMillis());
        config.putAll(StreamsLatency.producerDefaults(config));
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, tuning.replicationFactor());
        if (tuning.stateDir() != null) {
            config.put(StreamsConfig.STATE_DIR_CONFIG, tuning.stateDir().toString());
        }
        config.putAll(StreamsSettings.guarantees(properties.applicationId(), topics, deadLetters));
        return new KafkaStreamsConfiguration(config);
    }

    @Bean
    DecisionMetrics decisionMetrics(MeterRegistry registry) {
        return new DecisionMetrics(registry);
    }

    @Bean
    ProcessorTopology processorTopology(ProcessorProperties properties, ProcessorTopics topics, BotsFile bots,
                                        DecisionMetrics metrics, RelayTracing relayTracing, HopLatency hopLatency,
                                        Clock clock) {
        ProcessorProperties.Entitlements entitlements = properties.entitlements();
        var settings = new ProcessorTopology.Settings(topics, properties.dedupRetention(),
                new EntitlementPolicy(entitlements.enabled(), Set.copyOf(entitlements.bots())));
        return new ProcessorTopology(settings, bots, metrics, new DecisionSpans(relayTracing, hopLatency, clock));
    }

    /** The Streams app's Kafka clients, whose global consumer (the entitlements table) polls quietly while idle. */
    @Bean
    GlobalTablePolls globalTablePolls(ProcessorProperties properties) {
        return new GlobalTablePolls(properties.streams().globalPollInterval());
    }

    @Bean
    StreamsBuilderFactoryBeanConfigurer processorTopologyInstaller(ProcessorTopology topology,
                                                                   TopicProvisioning topicProvisioning,
                                                                   GlobalTablePolls globalTablePolls) {
        return factoryBean -> {
            factoryBean.setInfrastructureCustomizer(new TopologyInstaller(topology));
            factoryBean.setClientSupplier(globalTablePolls);
            factoryBean.setStateListener(globalTablePolls);   // wakes the global consumer's poll when the app stops
            factoryBean.setAutoStartup(false);
            topicProvisioning.whenDone(factoryBean::start);
        };
    }

    @Bean
    KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsHealthIndicator(streams::getKafkaStreams);
    }
}
