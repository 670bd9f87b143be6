package io.wecomrelay.llm.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The publisher against the in-JVM broker with the worker's producer settings (idempotent, acks=all):
 * records are never larger than the producer allows, and what Kafka refuses for good ends the reply
 * instead of being redone.
 */
class ChunkPublisherBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The worker's room for record framing. */
    private static final int FRAMING = ChunkRecordLimit.RECORD_FRAMING_BYTES;
    private static final String NOTE = "（note）";

    @Test
    void aChunkLargerThanTheProducersMaxRequestSizeArrivesCutIntoRecordsThatFold() {
        String topic = topic(Map.of());
        var publisher = new ChunkPublisher(template(4096), topic, 4096 - FRAMING);
        String answer = "很长的回答，包含表情 🙂 和 \"引号\"。".repeat(600);

        publisher.publish(Flux.just(chunk("m-1", 0, "开头：", false), chunk("m-1", 1, answer, true)), note("m-1"))
                .block(WAIT);

        var records = read(topic, "m-1");
        assertThat(answer.length()).isGreaterThan(10_000);
        assertThat(records.size()).isGreaterThan(5);
        assertThat(records).extracting(ReplyChunk::seq).containsExactlyElementsOf(sequence(records.size()));
        assertThat(records).filteredOn(ReplyChunk::last).singleElement()
                .satisfies(last -> assertThat(last.error()).isNull());
        assertThat(ReplyText.fold(records)).isEqualTo("开头：" + answer);
    }

    @Test
    void aChunkTheTopicRefusesEndsTheReplyWithANoteAfterWhatWasSent() {
        String topic = topic(Map.of("max.message.bytes", "4096"));
        var publisher = new ChunkPublisher(template(1024 * 1024), topic, 1024 * 1024 - FRAMING);

        publisher.publish(Flux.just(chunk("m-2", 0, "before", false), chunk("m-2", 1, "x".repeat(10_000), false),
                chunk("m-2", 2, "after", true)), note("m-2")).block(WAIT);

        var records = read(topic, "m-2");
        assertThat(records).extracting(ReplyChunk::text).doesNotContain("x".repeat(10_000), "after");
        var last = records.get(records.size() - 1);
        assertThat(last.last()).isTrue();
        assertThat(last.seq()).as("after every chunk made").isGreaterThan(1);
        assertThat(last.error().code()).isEqualTo("chunk_refused");
        assertThat(ReplyText.fold(records)).isEqualTo("before\n\n" + NOTE);
    }

    @Test
    void whenTheNoteIsRefusedTooThePublishFailsAsRefused() {
        String topic = topic(Map.of());
        var publisher = new ChunkPublisher(template(2048), topic, 2048 - FRAMING);
        // every chunk of this message, the note too, carries a msgid larger than a record may be
        String msgId = "m-" + "9".repeat(3000);

        assertThatThrownBy(() -> publisher.publish(Flux.just(chunk(msgId, 0, "text", true)), note(msgId)).block(WAIT))
                .isInstanceOf(ReplyRefusedException.class)
                .hasMessageContaining("RecordTooLargeException");
        // a reply published after it is the control: anything written of the refused one would come before it
        publisher.publish(Flux.just(chunk("m-3", 0, "text", true)), note("m-3")).block(WAIT);
        assertThat(readUntilLastOf(topic, "m-3")).extracting(ReplyChunk::msgId).containsOnly("m-3");
    }

    /** What ChunkFactory#refusalNote makes, for the message's stream. */
    private static ChunkPublisher.RefusalNote note(String msgId) {
        return (seq, afterText) -> {
            var base = Events.chunk("bot-1", msgId, 1, seq, afterText ? "\n\n" + NOTE : NOTE, true);
            return new ReplyChunk(base.meta(), base.botId(), base.streamId(), base.conversationKey(), base.msgId(), 1,
                    seq, ChunkKind.APPEND, base.text(), true, new ChunkError("chunk_refused", NOTE), null, List.of(),
                    base.route(), null);
        };
    }

    private static ReplyChunk chunk(String msgId, long seq, String text, boolean last) {
        return Events.chunk("bot-1", msgId, 1, seq, text, last);
    }

    private static KafkaTemplate<String, RelayEvent> template(int maxRequestSize) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestSize);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props, new StringSerializer(), EventSerde.any()));
    }

    private static String topic(Map<String, String> config) {
        String name = "publisher-" + UUID.randomUUID();
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(config))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + name, e);
        }
        return name;
    }

    /** The stream's chunks, once its last one is in. */
    private static List<ReplyChunk> read(String topic, String msgId) {
        return readUntilLastOf(topic, msgId).stream().filter(chunk -> chunk.msgId().equals(msgId)).toList();
    }

    /** Every chunk in the topic, from its start until the last chunk of {@code msgId} is in. */
    private static List<ReplyChunk> readUntilLastOf(String topic, String msgId) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var chunks = new ArrayList<ReplyChunk>();
        try (var consumer = new KafkaConsumer<String, RelayEvent>(props, new StringDeserializer(), EventSerde.any())) {
            consumer.subscribe(List.of(topic));
            await("last chunk of " + msgId).atMost(WAIT).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> chunks.add((ReplyChunk) record.value()));
                return chunks.stream().anyMatch(chunk -> chunk.msgId().equals(msgId) && chunk.last());
            });
        }
        return chunks;
    }

    private static List<Long> sequence(int size) {
        var result = new ArrayList<Long>();
        for (long i = 0; i < size; i++) {
            result.add(i);
        }
        return result;
    }
}
