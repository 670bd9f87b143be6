package io.wecomrelay.ingress;

import java.util.List;

import io.lettuce.core.resource.ClientResources;
import io.wecomrelay.ingress.publish.DiscardingInboundPublisher;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.KafkaInboundPublisher;
import io.wecomrelay.ingress.refresh.RedisLink;
import io.wecomrelay.ingress.refresh.RedisStreamMarkerWriter;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.kafka.KafkaHealthIndicator;
import io.wecomrelay.support.kafka.KafkaTemplates;
import io.wecomrelay.support.kafka.TopicProvisioning;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where accepted callbacks go ({@code relay.ingress.publisher}), decided here and nowhere else: each setting wires
 * its publisher, its stream marker writer and the {@code kafka} health component.
 */
@Configuration(proxyBeanMethods = false)
class PublisherConfiguration {

    /** {@code kafka}, the default and the only production setting: a callback is answered once Kafka has it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "relay.ingress", name = "publisher", havingValue = "kafka", matchIfMissing = true)
    static class Kafka {

        @Bean
        KafkaTemplate<String, RelayEvent> inboundKafkaTemplate(KafkaProperties kafka) {
            return KafkaTemplates.withoutContentLogging(kafka, EventSerde.any());
        }

        /** Named "kafka" in health; readiness includes it. */
        @Bean
        KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka, IngressProperties properties) {
            return new KafkaHealthIndicator(kafka.buildAdminProperties(), properties.publishTimeout());
        }

        /** The ack's deadline is timed on Lettuce's command timer (see IngressConfiguration). */
        @Bean
        InboundPublisher inboundPublisher(KafkaTemplate<String, RelayEvent> inboundKafkaTemplate, IngressProperties properties,
                                          ClientResources redisResources) {
            return new KafkaInboundPublisher(inboundKafkaTemplate, Topics.INBOUND.name(), properties.publishTimeout(),
                    redisResources.timer());
        }

        @Bean
        StreamMarkerWriter streamMarkerWriter(ReactiveStringRedisTemplate redis, RedisLink redisLink,
                                              IngressProperties properties) {
            return new RedisStreamMarkerWriter(redis, redisLink, properties.streamTtl());
        }

        /**
         * Creates the inbound topic in the background if it is missing (never alters an existing one); health component
         * "topics", in readiness, is DOWN until then. Kafka being down at start is not fatal: callbacks get 503 until
         * it is back, and WeCom retries.
         */
        @Bean
        TopicProvisioning topicProvisioning(KafkaProperties kafka, IngressProperties properties) {
            return TopicProvisioning.of(kafka.buildAdminProperties(), List.of(Topics.INBOUND), properties.topics().partitions(),
                    properties.topics().replicationFactor());
        }
    }

    /**
     * {@code none}, the benchmark's no-durability baseline: it leaves out both halves of durability, the publish and
     * the stream marker, and Kafka cannot make ingress unready. Never a production setting.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "relay.ingress", name = "publisher", havingValue = "none")
    static class None {

        @Bean
        ReactiveHealthIndicator kafkaHealthIndicator() {
            return new PublisherOffHealthIndicator();
        }

        @Bean
        InboundPublisher inboundPublisher() {
            return new DiscardingInboundPublisher();
        }

        @Bean
        StreamMarkerWriter streamMarkerWriter() {
            return StreamMarkerWriter.NONE;
        }

        @Bean
        TopicProvisioning topicProvisioning() {
            return TopicProvisioning.off();
        }
    }
}
