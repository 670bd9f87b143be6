package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.awaitStop;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker's bounds, through the real path (consumer, Dify simulator over HTTP, producer, broker):
 * a Dify stream that never ends a line, an event or its answer is finished with a note and stopped;
 * a producer with a small {@code max.request.size} gets large answers in several records; a chunk
 * the producer refuses for good finishes the reply with a note, and a reply whose note is refused too
 * is dead-lettered instead of being redone.
 */
class WorkerBoundsTest {

    private static final String PREFIX = "bounds";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final int MAX_REQUEST_SIZE = 8192;
    private static final int MAX_ANSWER_BYTES = 8 * 1024;
    /** Longer than a record may be: a chunk carrying it in its error can never be sent. */
    private static final String HUGE_SENTENCE = "这句话太长了。".repeat(500);
    private static final ErrorTexts TEXTS = new ErrorTexts(Map.of());

    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void start() {
        worker = WorkerTestSupport.worker(PREFIX, bounded(Map.of("relay.worker.texts.errors.invalid-param", HUGE_SENTENCE)));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Map<String, String> bounded(Map<String, String> more) {
        var settings = new java.util.HashMap<>(Map.of(
                "relay.worker.dify.max-line-size", "16KB",
                "relay.worker.dify.max-event-size", "32KB",
                "relay.worker.reply.max-answer-size", MAX_ANSWER_BYTES + "B",
                // a cold first connection on a busy machine must not look like a silent Dify
                "relay.worker.reply.idle-timeout", "10s",
                "spring.kafka.producer.properties.max.request.size", Integer.toString(MAX_REQUEST_SIZE)));
        settings.putAll(more);
        return settings;
    }

    @ParameterizedTest
    @CsvSource({"endless-line, dify_line_too_long, line", "endless-event, dify_event_too_large, event"})
    void aLineOrAnEventThatNeverEndsFinishesTheReplyWithANoteAndStopsTheTask(String scenario, String code,
                                                                              String limit) {
        var message = text(user(), uniq("[sim:" + scenario + ",delay-ms=2]"));
        send(PREFIX + ".accepted", message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isEqualTo(code);
        assertThat(reply.text()).startsWith("你好").endsWith("\n\n" + TEXTS.sentence(code));
        awaitStop(only(query(message)).taskId());
        assertThat(limits(limit)).isPositive();
    }

    @Test
    void anAnswerThatNeverEndsIsCutAtItsBoundAndTheTaskStopped() {
        var message = text(user(), uniq("[sim:endless-answer,delay-ms=1]"));
        send(PREFIX + ".accepted", message);

        var reply = CHUNKS.awaitReply(message.streamId(), Duration.ofSeconds(30));

        assertThat(reply.errorCode()).isEqualTo(ErrorCodes.ANSWER_TOO_LONG);
        String note = "\n\n" + TEXTS.sentence(ErrorCodes.ANSWER_TOO_LONG);
        assertThat(reply.text()).endsWith(note);
        String answer = reply.text().substring(0, reply.text().length() - note.length());
        assertThat(answer.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX_ANSWER_BYTES)
                .isGreaterThan(MAX_ANSWER_BYTES - 16);
        awaitStop(only(query(message)).taskId());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(limits("answer")).isPositive());
    }

    @Test
    void anAnswerLargerThanARecordArrivesInSeveralThatFoldToIt() {
        // one delta that holds the whole answer: the first chunk carries all of it
        String query = uniq("\"quoted/\" ".repeat(650) + "[sim:deltas=1]");
        var message = text(user(), query);
        send(PREFIX + ".accepted", message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query));
        assertThat(reply.chunks().size()).isGreaterThanOrEqualTo(3);
        assertThat(reply.chunks()).extracting(ReplyChunk::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, reply.chunks().size()).boxed().toList());
        assertThat(reply.chunks()).allSatisfy(chunk -> assertThat(EventSerde.any().serialize("t", chunk).length)
                .isLessThan(MAX_REQUEST_SIZE));
    }

    @Test
    void aChunkTheProducerRefusesForGoodFinishesTheReplyWithANoteAndIsNotRedone() {
        var message = text(user(), uniq("[sim:http-400]"));
        send(PREFIX + ".accepted", message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isEqualTo(ErrorCodes.CHUNK_REFUSED);
        assertThat(reply.text()).isEqualTo(TEXTS.sentence(ErrorCodes.CHUNK_REFUSED));
        assertThat(reply.chunks()).allMatch(chunk -> chunk.attempt() == 1);
        var after = text(message.message().userId(), uniq("[sim:deltas=2,delay-ms=5]"));
        send(PREFIX + ".accepted", after);
        CHUNKS.awaitReply(after);
        assertThat(DIFY.requestsFor(query(message))).as("asked once, not redone").hasSize(1);
    }

    @Test
    void aReplyWhoseNoteIsRefusedTooIsDeadLetteredAndConsumptionGoesOn() {
        String prefix = PREFIX + "-dlt";
        var chunks = WorkerTestSupport.chunks(prefix + ".chunks");
        try (var refusing = WorkerTestSupport.worker(prefix, bounded(Map.of(
                "relay.worker.texts.errors.invalid-param", HUGE_SENTENCE,
                "relay.worker.texts.errors.chunk-refused", HUGE_SENTENCE)))) {
            var refused = text(user(), uniq("[sim:http-400]"));
            var next = text(refused.message().userId(), uniq("[sim:deltas=2,delay-ms=5]"));
            send(prefix + ".accepted", refused);
            send(prefix + ".accepted", next);

            assertThat(chunks.awaitReply(next).errorCode()).isNull();
            var deadLetter = deadLetter(prefix + ".accepted.dlt", refused);
            assertThat(deadLetter.streamId()).isEqualTo(refused.streamId());
            assertThat(chunks.all(refused.streamId())).isEmpty();
            assertThat(DIFY.requestsFor(query(refused))).as("asked once, not redone").hasSize(1);
        }
    }

    private long limits(String limit) {
        var counter = worker.getBean(MeterRegistry.class).find("relay.worker.limits")
                .tag("bot", WorkerTestSupport.BOT).tag("limit", limit).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private static MessageAccepted deadLetter(String topic, MessageAccepted message) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            var deadLetter = await("dead letter for " + message.streamId()).atMost(Duration.ofSeconds(20)).pollInSameThread().until(
                    () -> StreamSupport.stream(consumer.poll(Duration.ofMillis(100)).spliterator(), false)
                            .filter(record -> message.conversationKey().equals(record.key())).findFirst(), Optional::isPresent).orElseThrow();
            var fqcn = deadLetter.headers().lastHeader(DeadLetterHeaders.EXCEPTION);
            assertThat(new String(fqcn.value(), StandardCharsets.UTF_8)).endsWith("ReplyRefusedException");
            return EventSerde.of(MessageAccepted.class).deserialize(topic, deadLetter.value());
        }
    }

    private static RecordedChatRequest only(String query) {
        var requests = DIFY.requestsFor(query);
        assertThat(requests).as("Dify requests for %s", query).hasSize(1);
        return requests.get(0);
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString().strip();
    }

    private static String uniq(String text) {
        return "q-" + UUID.randomUUID().toString().substring(0, 8) + " " + text;
    }
}
