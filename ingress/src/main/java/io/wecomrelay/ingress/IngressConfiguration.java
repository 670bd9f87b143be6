package io.wecomrelay.ingress;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
import io.wecomrelay.ingress.publish.KafkaHealthIndicator;
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
import io.wecomrelay.schemas.topic.TopicProvisioner;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileWatcher;
import io.wecomrelay.support.kafka.KafkaTemplates;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The only place ingress wires beans; everything below it is plain Java. The clock and the id generator come from
 * service-support's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngressProperties.class)
class IngressConfiguration {

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
        return KafkaTemplates.withoutContentLogging(kafka, EventSerde.any());
    }

    @Bean(destroyMethod = "close")
    Admin kafkaAdminClient(KafkaProperties kafka) {
        return Admin.create(kafka.buildAdminProperties());
    }

    /** Named "kafka" in health; readiness includes it. Without a publisher Kafka cannot make ingress unready. */
    @Bean
    ReactiveHealthIndicator kafkaHealthIndicator(Admin kafkaAdminClient, IngressProperties properties) {
        if (properties.publisher() == Publisher.NONE) {
            return new PublisherOffHealthIndicator();
        }
        return new KafkaHealthIndicator(kafkaAdminClient, properties.publishTimeout());
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
     * Creates missing topics before the first callback can arrive; never alters existing ones (nor
     * anything with {@code publisher=none}). Kafka being down at start is not fatal: callbacks get 503
     * until it is back, and WeCom retries.
     */
    @Bean
    ApplicationRunner provisionTopics(Admin kafkaAdminClient, IngressProperties properties) {
        return args -> {
            if (properties.publisher() == Publisher.NONE) {
                return;
            }
            try {
                new TopicProvisioner(kafkaAdminClient, properties.topics().replicationFactor())
                        .ensure(List.of(Topics.INBOUND), properties.topics().partitions());
            } catch (IllegalStateException e) {
                LoggerFactory.getLogger(IngressConfiguration.class).warn("topics not provisioned: {}", e.getMessage());
            }
        };
    }
}
