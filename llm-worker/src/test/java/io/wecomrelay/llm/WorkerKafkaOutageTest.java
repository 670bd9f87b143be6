package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.testkit.KafkaBrokerProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a reply in flight while the broker is stopped for longer than the producer's timeouts. Its chunks cannot
 * be written, so it is redone, which asks Dify again; the redo waits until Kafka answers again, so the outage costs
 * the reply one more Dify call, not one per backoff (before, up to 5 calls for one reply in the outage suite).
 */
class WorkerKafkaOutageTest {

    private static final String PREFIX = "kafka-outage";
    private static final Duration OUTAGE = Duration.ofSeconds(25);
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void aReplyCutByABrokerOutageIsRedoneOnceTheBrokerIsBackWithOneMoreDifyCall() throws Exception {
        var message = WorkerTestSupport.text(WorkerTestSupport.user(), "long answer [sim:deltas=40,delay-ms=250]");
        String query = message.message().body().path("text").path("content").asString();
        try (var broker = KafkaBrokerProcess.start(dir.resolve("broker"));
             var worker = WorkerTestSupport.worker(PREFIX, Map.of(
                     "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                     "relay.worker.reply.idle-timeout", "10s",
                     // short, so that redoing while the broker is down (the old behaviour) would call Dify many times
                     "relay.worker.consumer.max-failure-backoff", "2s",
                     "spring.kafka.producer.properties.delivery.timeout.ms", "6000",
                     "spring.kafka.producer.properties.request.timeout.ms", "3000",
                     "spring.kafka.producer.properties.max.block.ms", "2000"))) {
            var chunks = WorkerTestSupport.chunks(PREFIX + ".chunks", broker.bootstrapServers());
            send(broker, message);
            chunks.awaitChunk(message.streamId(), chunk -> chunk.seq() >= 1, Duration.ofSeconds(60));

            broker.stop();
            TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
            assertThat(redos(worker)).as("the reply was cut by the outage").isPositive();
            broker.startAgain();

            var reply = chunks.awaitReply(message.streamId(), WAIT);
            assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query));
            assertThat(reply.last().attempt()).isGreaterThan(1);
            assertThat(DIFY.requestsFor(query)).hasSize(2);
            assertThat(redos(worker)).isEqualTo(1);
        }
    }

    private static double redos(org.springframework.context.ConfigurableApplicationContext worker) {
        var counter = worker.getBean(MeterRegistry.class).find("relay.worker.redos").tag("bot", WorkerTestSupport.BOT)
                .tag("cause", "infrastructure").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void send(KafkaBrokerProcess broker, MessageAccepted message) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            String topic = PREFIX + ".accepted";
            var record = new ProducerRecord<>(topic, message.conversationKey(),
                    EventSerde.of(MessageAccepted.class).serialize(topic, message));
            record.headers().add(EventHeaders.TRACE_ID, message.meta().traceId().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(60, TimeUnit.SECONDS);
        }
    }
}
