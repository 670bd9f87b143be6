package io.wecomrelay.ingress;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.ingress.bots.BotDirectory;
import io.wecomrelay.ingress.callback.CallbackHandler;
import io.wecomrelay.ingress.callback.CallbackMetrics;
import io.wecomrelay.ingress.callback.CallbackRoutes;
import io.wecomrelay.ingress.IngressProperties.Publisher;
import io.wecomrelay.ingress.publish.DiscardingInboundPublisher;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.KafkaInboundPublisher;
import io.wecomrelay.ingress.publish.PublisherOffHealthIndicator;
import io.wecomrelay.ingress.refresh.RedisLink;
import io.wecomrelay.ingress.refresh.RedisStreamStates;
import io.wecomrelay.ingress.refresh.RefreshAnswers;
import io.wecomrelay.ingress.refresh.RefreshService;
import io.wecomrelay.ingress.refresh.StreamMarker;
import io.wecomrelay.ingress.refresh.StreamStates;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileWatcher;
import io.wecomrelay.support.kafka.KafkaHealthIndicator;
import io.wecomrelay.support.kafka.TopicProvisioning;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The only place ingress wires beans; everything below it is plain Java. */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(IngressProperties.class)
class IngressConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Supplier<UUID> idGenerator() {
        return UUID::randomUUID;
    }

    /** A bots file that cannot be used stops the start; later a bad edit keeps the last good registry. */
    @Bean
    BotsFile botsFile(IngressProperties properties, MeterRegistry meters) {
        return BotsFile.load(properties.botsFile(), new BotRegistryLoader(System::getenv), meters);
    }

    @Bean
    BotsFileWatcher botsFileWatcher(BotsFile bots, IngressProperties properties) {
        return BotsFileWatcher.start(bots, properties.botsReloadInterval());
    }

    @Bean
    BotDirectory botDirectory(BotsFile bots) {
        return new BotDirectory(bots);
    }

    @Bean
    KafkaTemplate<String, RelayEvent> inboundKafkaTemplate(KafkaProperties kafka) {
        Map<String, Object> producer = kafka.buildProducerProperties();
        return withoutContentLogging(new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer, new StringSerializer(),
                EventSerde.any())));
    }

    /** Named "kafka" in health; readiness includes it. Without a publisher Kafka cannot make ingress unready. */
    @Bean
    ReactiveHealthIndicator kafkaHealthIndicator(KafkaProperties kafka, IngressProperties properties) {
        if (properties.publisher() == Publisher.NONE) {
            return new PublisherOffHealthIndicator();
        }
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), properties.publishTimeout());
    }

    @Bean
    InboundPublisher inboundPublisher(KafkaTemplate<String, RelayEvent> inboundKafkaTemplate, IngressProperties properties) {
        if (properties.publisher() == Publisher.NONE) {
            LoggerFactory.getLogger(IngressConfiguration.class).warn("relay.ingress.publisher=none: callbacks are answered "
                    + "but NOT published to Kafka and no stream marker is written; every message is LOST. This is the "
                    + "benchmark's no-durability baseline, never a production setting.");
            return new DiscardingInboundPublisher();
        }
        return new KafkaInboundPublisher(inboundKafkaTemplate, Topics.INBOUND.name(), properties.publishTimeout());
    }

    /**
     * Redis calls wait for this to open the shared connection, off the event loops (see {@link RedisLink}); while
     * Redis is down at start it tries again every few seconds at most.
     */
    @Bean(destroyMethod = "close")
    RedisLink redisLink(ReactiveStringRedisTemplate redis, IngressProperties properties) {
        return new RedisLink(redis.getConnectionFactory(), properties.redisTimeout(), Duration.ofSeconds(5));
    }

    @Bean
    StreamStates streamStates(ReactiveStringRedisTemplate redis, RedisLink redisLink, IngressProperties properties) {
        return new RedisStreamStates(redis, redisLink, properties.streamTtl());
    }

    @Bean
    RefreshService refreshService(StreamStates streams, IngressProperties properties, Clock clock) {
        var answers = new RefreshAnswers(properties.streamWindow(), properties.texts().expired(), properties.texts().timedOut());
        return new RefreshService(streams, answers, clock, properties.redisTimeout());
    }

    /** relay.ingress.response-url.allowed-hosts: the same rules the responder applies again before it sends. */
    @Bean
    OutboundPolicy responseUrlPolicy(IngressProperties properties) {
        return OutboundPolicy.of(properties.responseUrl().allowedHosts());
    }

    @Bean
    CallbackHandler callbackHandler(BotDirectory bots, IngressProperties properties, InboundPublisher publisher,
                                    StreamStates streams, RefreshService refreshes, OutboundPolicy responseUrlPolicy,
                                    MeterRegistry registry, Clock clock, Supplier<UUID> idGenerator) {
        // The baseline leaves out both halves of durability: the publish and the marker.
        StreamMarker marker = properties.publisher() == Publisher.NONE ? StreamMarker.NONE : streams;
        return CallbackHandler.create(bots, properties, publisher, marker, refreshes, responseUrlPolicy,
                new CallbackMetrics(registry), clock, idGenerator);
    }

    @Bean
    RouterFunction<ServerResponse> callbackRoutes(CallbackHandler handler) {
        return CallbackRoutes.routes(handler);
    }

    /**
     * Starts opening the shared Redis connection in the background and gives it a few seconds before ingress reports
     * itself ready, so that the first callbacks of a normal start find it open. Redis being down at start is not
     * fatal: ingress starts, callbacks that open a stream get 503 (WeCom retries), refreshes answer without Redis,
     * and the connection opens as soon as Redis answers.
     */
    @Bean
    ApplicationRunner connectRedis(RedisLink redisLink, IngressProperties properties) {
        return args -> {
            try {
                redisLink.open().block(properties.redisTimeout().multipliedBy(10));
            } catch (IllegalStateException e) {
                LoggerFactory.getLogger(IngressConfiguration.class).warn("Redis not reachable at start; starting without it");
            }
        };
    }

    /**
     * Creates missing topics in the background (never alters existing ones, nor anything with {@code publisher=none});
     * health component "topics", in readiness, is DOWN until then. Kafka being down at start is not fatal: callbacks
     * get 503 until it is back, and WeCom retries.
     */
    @Bean
    TopicProvisioning topicProvisioning(KafkaProperties kafka, IngressProperties properties) {
        if (properties.publisher() == Publisher.NONE) {
            return TopicProvisioning.off();
        }
        return TopicProvisioning.of(kafka.buildAdminProperties(), List.of(Topics.INBOUND), properties.topics().partitions(),
                properties.topics().replicationFactor());
    }

    /** Spring's default producer listener logs up to 100 characters of a failed record's value: message text. */
    static <K, V> KafkaTemplate<K, V> withoutContentLogging(KafkaTemplate<K, V> template) {
        var listener = new LoggingProducerListener<K, V>();
        listener.setIncludeContents(false);
        template.setProducerListener(listener);
        return template;
    }
}
