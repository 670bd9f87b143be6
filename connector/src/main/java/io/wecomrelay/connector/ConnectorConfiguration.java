package io.wecomrelay.connector;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.continuation.AfterFinish;
import io.wecomrelay.connector.images.ReplyImages;
import io.wecomrelay.connector.inbound.InboundRelay;
import io.wecomrelay.connector.inbound.KafkaInboundPublisher;
import io.wecomrelay.connector.ownership.BotOwnership;
import io.wecomrelay.connector.ownership.OutboundListener;
import io.wecomrelay.connector.ownership.SessionParts;
import io.wecomrelay.connector.reply.OpenStreams;
import io.wecomrelay.connector.reply.ReplySettings;
import io.wecomrelay.connector.reply.ReplyTraces;
import io.wecomrelay.connector.reply.Snapshots;
import io.wecomrelay.connector.socket.SocketMetrics;
import io.wecomrelay.connector.socket.SocketSettings;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileSettings;
import io.wecomrelay.support.kafka.KafkaHealthIndicator;
import io.wecomrelay.support.kafka.KafkaTemplates;
import io.wecomrelay.support.kafka.TopicProvisioning;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.wecomrelay.support.tracing.RelayTracing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The only place that wires the connector; everything below it is plain Java. The clock and the id generator come
 * from service-support's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(ConnectorProperties.class)
class ConnectorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConnectorConfiguration.class);

    /** service-support loads and watches the bots file; a reload opens, closes or updates sockets at once. */
    @Bean
    BotsFileSettings botsFileSettings(ConnectorProperties props) {
        return new BotsFileSettings(props.botsFile(), props.botsReloadInterval());
    }

    @Bean
    TopicProvisioning topicProvisioning(KafkaProperties kafka, ConnectorProperties props) {
        var topics = props.topics();
        if (!topics.enabled()) {
            return TopicProvisioning.off();
        }
        return TopicProvisioning.of(kafka.buildAdminProperties(), List.of(Topics.OUTBOUND, Topics.INBOUND),
                Map.of(Topics.OUTBOUND.name(), topics.outboundPartitions(), Topics.INBOUND.name(), topics.inboundPartitions()),
                topics.replicationFactor());
    }

    /** Health component "kafka", in readiness: without it no message is made durable and no bot is owned. */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), KafkaHealthIndicator.DEFAULT_TIMEOUT);
    }

    @Bean
    KafkaTemplate<String, RelayEvent> kafkaTemplate(KafkaProperties kafka) {
        return KafkaTemplates.withoutContentLogging(kafka, EventSerde.any());
    }

    /**
     * WebSockets go only to the configured endpoint's host and port (ws:// is listed as http://host:port, wss:// as
     * host:port), through service-support's guarded client like every other outbound connection.
     */
    @Bean
    HttpClient longConnectionClient(ReactorResourceFactory resources, ConnectorProperties props) {
        var url = props.url();
        int port = url.getPort();
        String entry = "ws".equalsIgnoreCase(url.getScheme())
                ? "http://" + url.getHost() + ":" + (port < 0 ? 80 : port)
                : url.getHost() + (port < 0 ? "" : ":" + port);
        log.info("long connections go to {}", url);
        // A connection of its own per socket, not one from the context's pool: a pool caps the connections to one host
        // (Spring's default pool: 500, then 45 s waits and refusals), and a long connection is never reused anyway.
        // On the context's event loops, as the actuator's server.
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).runOn(resources.getLoopResources());
        return GuardedHttpClient.guard(client, OutboundPolicy.of(List.of(entry)));
    }

    @Bean
    BotOwnership botOwnership(BotsFile bots, HttpClient longConnectionClient, KafkaTemplate<String, RelayEvent> kafka,
                              ReactiveStringRedisTemplate redis, Clock clock, Supplier<UUID> idGenerator,
                              MeterRegistry meters, ConnectorProperties props, RelayTracing relayTracing) {
        var socket = props.socket();
        var replies = props.replies();
        var inbound = props.inbound();
        var parts = new SessionParts(longConnectionClient,
                new SocketSettings(props.url(), socket.pingInterval(), socket.ackTimeout(), socket.initialBackoff(),
                        socket.maxBackoff(), socket.frequencyBackoff(), socket.maxFrameBytes(), socket.kickedRetry()),
                new SocketMetrics(meters),
                new OpenStreams(redis, replies.keyPrefix(), replies.openStreamTtl()),
                new Snapshots(redis),
                new ReplySettings(replies.keepAlive(), replies.finishDeadline(), replies.recheck(), replies.overdueNote()),
                // a stream's rest and images are claimed for as long as its open-stream entry may be read again
                new AfterFinish(redis, replies.keyPrefix(), replies.openStreamTtl(), replies.continuationInterval(),
                        new ReplyImages(redis, clock, meters), meters),
                new InboundRelay(new KafkaInboundPublisher(kafka, inbound.publishTimeout()), clock, idGenerator, meters,
                        inbound.publishPatience(), inbound.unavailableText(), relayTracing),
                clock, new ReplyTraces(relayTracing));
        var ownership = new BotOwnership(bots, parts);
        bots.onReload(registry -> ownership.refresh());
        ownership.startTicks(replies.tick());
        return ownership;
    }

    /**
     * The consumer of {@code wecom.outbound} whose assignment is the ownership of bots. Cooperative rebalancing: a
     * rebalance revokes only the partitions that move, so the other bots' sockets stay open. Started once the topics
     * exist; stopping it (shutdown) revokes every partition, which closes every socket.
     */
    @Bean
    KafkaMessageListenerContainer<String, RelayEvent> outboundContainer(KafkaProperties kafka, BotOwnership ownership,
                                                                        TopicProvisioning topics) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        var factory = new DefaultKafkaConsumerFactory<String, RelayEvent>(consumer, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(EventSerde.any()));
        var listener = new OutboundListener(ownership, Topics.OUTBOUND.name());
        var properties = new ContainerProperties(Topics.OUTBOUND.name());
        properties.setMessageListener(listener);
        properties.setConsumerRebalanceListener(listener);
        var container = new KafkaMessageListenerContainer<>(factory, properties);
        container.setAutoStartup(false);
        topics.whenDone(container::start);
        return container;
    }

    /** Closes every socket last, after the consumer stopped (which revoked its partitions). */
    @Bean
    SmartLifecycle socketsCloser(BotOwnership ownership) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                ownership.stopAll();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE - 1000; // stopped after the listener container
            }
        };
    }
}
