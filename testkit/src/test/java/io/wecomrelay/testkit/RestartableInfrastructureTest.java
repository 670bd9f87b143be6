package io.wecomrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Infrastructure the outage tests take down and bring back: what it held before must be there again. */
class RestartableInfrastructureTest {

    @TempDir
    Path dir;

    @Test
    void redisWithAnAppendOnlyFileKeepsItsDataThroughAKill() throws IOException {
        try (LocalRedis redis = LocalRedis.startEmbeddedWithAof(dir)) {
            assertThat(command(redis, "SET", "outage-key", "kept")).isEqualTo("+OK");
            redis.kill();
            redis.startAgain();
            assertThat(command(redis, "GET", "outage-key")).isEqualTo("$4\r\nkept");
        }
    }

    @Test
    void redisWithoutAnAppendOnlyFileStartsAgainEmpty() throws IOException {
        try (LocalRedis redis = LocalRedis.startEmbedded()) {
            command(redis, "SET", "outage-key", "lost");
            redis.kill();
            redis.startAgain();
            assertThat(command(redis, "GET", "outage-key")).isEqualTo("$-1");
        }
    }

    @Test
    void aBrokerStartedAgainKeepsItsAddressAndItsRecords() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("broker"))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("restarts", 1, (short) 1))).all().get();
            }
            try (var producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("restarts", "k", "before the restart")).get();
            }
            broker.stop();
            broker.startAgain();
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "restarts", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("restarts"));
                var values = new ArrayList<String>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (values.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
                }
                assertThat(values).containsExactly("before the restart");
            }
        }
    }

    /** One command over RESP; the reply without its final CRLF. */
    private static String command(LocalRedis redis, String... words) throws IOException {
        URI uri = URI.create(redis.url());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(2000);
            var request = new StringBuilder("*" + words.length + "\r\n");
            for (String word : words) {
                request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
            }
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64];
            int read = in.read(buffer);
            return new String(buffer, 0, read, StandardCharsets.US_ASCII).stripTrailing();
        }
    }
}
