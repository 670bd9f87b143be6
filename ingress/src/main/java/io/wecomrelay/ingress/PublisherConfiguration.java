package io.wecomrelay.ingress;

import io.wecomrelay.ingress.publish.DiscardingInboundPublisher;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.publish.KafkaInboundPublisher;
import io.wecomrelay.ingress.refresh.RedisLink;
import io.wecomrelay.ingress.refresh.RedisStreamMarkerWriter;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.TopicProvisioner;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.kafka.KafkaTemplates;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.ApplicationRunner;
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

        @Bean(destroyMethod = "close")
        Admin kafkaAdminClient(KafkaProperties kafka) {
            return Admin.create(kafka.buildAdminProperties());
        }

        /** Named "kafka" in health; readiness includes it. */
        @Bean
        ReactiveHealthIndicator kafkaHealthIndicator(Admin kafkaAdminClient, IngressProperties properties) {
            return new KafkaHealthIndicator(kafkaAdminClient, properties.publishTimeout());
        }

        @Bean
        InboundPublisher inboundPublisher(KafkaTemplate<String, RelayEvent> inboundKafkaTemplate, IngressProperties properties) {
            return new KafkaInboundPublisher(inboundKafkaTemplate, Topics.INBOUND.name(), properties.publishTimeout());
        }

        @Bean
        StreamMarkerWriter streamMarkerWriter(ReactiveStringRedisTemplate redis, RedisLink redisLink,
                                              IngressProperties properties) {
            return new RedisStreamMarkerWriter(redis, redisLink, properties.streamTtl());
        }

        @Bean
        ApplicationRunner provisionTopics(Admin kafkaAdminClient, IngressProperties properties) {
            return new InboundTopicProvisioning(new TopicProvisioner(kafkaAdminClient,
                    properties.topics().replicationFactor()), properties.topics().partitions());
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
    }
}
