package io.wecomrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TestInfrastructureTest {

    @Test
    void brokerCommitsTransactionsOnOneNode() {
        TestInfrastructure.createTopics(1, "testkit.tx");
        Map<String, Object> producerProps = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-tx",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (var producer = new KafkaProducer<String, String>(producerProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("testkit.tx", "k", "committed"));
            producer.commitTransaction();
        }

        Map<String, Object> consumerProps = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "testkit-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (var consumer = new KafkaConsumer<String, String>(consumerProps)) {
            consumer.subscribe(List.of("testkit.tx"));
            var values = new java.util.ArrayList<String>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
            assertThat(values).containsExactly("committed");
        }
    }

    @Test
    void redisAnswersPing() {
        assertThat(LocalRedis.answersPing(URI.create(TestInfrastructure.redisUrl()))).isTrue();
    }

    @Test
    void embeddedRedisWorksWithoutAnyInstalledRedis() {
        try (LocalRedis redis = LocalRedis.startEmbedded()) {
            assertThat(redis.isEmbedded()).isTrue();
            assertThat(LocalRedis.answersPing(URI.create(redis.url()))).isTrue();
        }
    }

    @Test
    void unreachableRedisUrlFallsBackToEmbedded() {
        try (LocalRedis redis = LocalRedis.start("redis://127.0.0.1:1")) {
            assertThat(redis.isEmbedded()).isTrue();
        }
    }
}
