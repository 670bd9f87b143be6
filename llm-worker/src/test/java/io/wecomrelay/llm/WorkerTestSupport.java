package io.wecomrelay.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import io.wecomrelay.sim.dify.RecordedUpload;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the worker's integration tests share in this JVM: one Dify simulator, a bots file pointing
 * at it, a producer for {@code wecom.accepted} and collectors of the chunks topics.
 */
final class WorkerTestSupport {

    static final String BOT = "bot-it";
    /** The span id of the processor's decision in the traceparent every accepted record here carries. */
    static final String DECISION_SPAN_ID = "00f067aa0ba902b7";
    /** A bot whose Dify base URL refuses connections. */
    static final String UNREACHABLE_BOT = "bot-unreachable";
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final DifySimulator DIFY = DifySimulator.start(DifySimulatorConfig.defaults().withPort(0)
            .withCadence(4, Duration.ofMillis(20)));
    static final Path BOTS_FILE = botsFile();

    private static final KafkaProducer<String, byte[]> PRODUCER = producer();
    private static final Map<String, ChunkCollector> COLLECTORS = new ConcurrentHashMap<>();

    private WorkerTestSupport() {
    }

    private static Path botsFile() {
        try {
            Path file = Files.createTempFile("bots", ".yaml");
            Files.writeString(file, """
                    bots:
                      - id: %s
                        token: QDG6eK
                        aes-key: %s
                        dify: { base-url: %s, api-key: %s, allow-insecure-http: true }
                      - id: %s
                        token: QDG6eK
                        aes-key: %s
                        dify: { base-url: "http://127.0.0.1:1/v1", api-key: app-unreachable, allow-insecure-http: true }
                    """.formatted(BOT, AES_KEY, DIFY.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY, UNREACHABLE_BOT, AES_KEY));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bots file with one bot per id, each answered by the shared Dify simulator. */
    static Path botsFile(List<String> botIds) {
        var yaml = new StringBuilder("bots:\n");
        botIds.forEach(id -> yaml.append(callbackBot(id)));
        return botsFile(yaml.toString());
    }

    /** One bot's entry in a bots file, answered by the shared Dify simulator, with {@code settings}: a key each. */
    static String bot(String id, String... settings) {
        var entry = new StringBuilder("  - id: ").append(id).append('\n');
        for (String setting : settings) {
            entry.append("    ").append(setting).append('\n');
        }
        return entry.append("    dify: { base-url: %s, api-key: %s, allow-insecure-http: true }\n"
                .formatted(DIFY.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY)).toString();
    }

    /** {@link #bot} for a bot WeCom calls back: its token and AES key, then {@code settings}. */
    static String callbackBot(String id, String... settings) {
        var all = new ArrayList<String>(List.of("token: QDG6eK", "aes-key: " + AES_KEY));
        all.addAll(Arrays.asList(settings));
        return bot(id, all.toArray(String[]::new));
    }

    /** A temporary bots file with {@code yaml}, deleted when the JVM exits. */
    static Path botsFile(String yaml) {
        try {
            Path file = Files.createTempFile("bots", ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a worker with the shared settings and {@code overrides}, as command-line arguments (they
     * win over application.yaml); the caller closes it.
     */
    static ConfigurableApplicationContext worker(String topicPrefix, Map<String, String> overrides) {
        var settings = new java.util.LinkedHashMap<String, Object>(properties(topicPrefix));
        settings.putAll(overrides);
        String[] args = settings.entrySet().stream()
                .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(LlmWorkerApplication.class).run(args);
    }

    /** Settings every worker under test uses; {@code topicPrefix} keeps test classes apart. */
    static Map<String, Object> properties(String topicPrefix) {
        return Map.ofEntries(
                Map.entry("spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers()),
                Map.entry("spring.data.redis.url", TestInfrastructure.redisUrl()),
                Map.entry("spring.main.web-application-type", "none"),
                Map.entry("relay.worker.bots-file", BOTS_FILE.toString()),
                Map.entry("relay.worker.topics.accepted", topicPrefix + ".accepted"),
                Map.entry("relay.worker.topics.chunks", topicPrefix + ".chunks"),
                Map.entry("relay.worker.topics.partitions[" + topicPrefix + ".accepted]", "1"),
                Map.entry("relay.worker.topics.partitions[" + topicPrefix + ".chunks]", "2"),
                Map.entry("relay.worker.consumer.group-id", topicPrefix + "-worker"),
                Map.entry("relay.worker.consumer.max-in-flight", "64"),
                Map.entry("relay.worker.consumer.shutdown-grace", "0s"),
                Map.entry("relay.worker.consumer.failure-backoff", "100ms"),
                Map.entry("relay.worker.reply.idle-timeout", "1500ms"),
                Map.entry("relay.worker.dify.first-backoff", "50ms"),
                Map.entry("relay.worker.dify.max-backoff", "100ms"),
                // these tests read every chunk of a reply off the topic; WorkerPreviewsTest covers the default route
                Map.entry("relay.worker.previews.route", "chunks"));
    }

    /** A text message from {@code userId} in a single chat, received now. */
    static MessageAccepted text(String userId, String content) {
        return text(userId, content, Instant.now());
    }

    static MessageAccepted text(String userId, String content, Instant receivedAt) {
        return text(BOT, userId, content, receivedAt);
    }

    static MessageAccepted text(String bot, String userId, String content, Instant receivedAt) {
        String msgId = "msg-" + UUID.randomUUID();
        var message = Events.text(msgId, userId, content);
        var meta = new EventMeta(UUID.randomUUID(), traceIdOf(msgId), receivedAt);
        return new MessageAccepted(meta, bot, StreamIds.of(bot, msgId), ConversationKeys.of(bot, null, userId, true),
                message, receivedAt, new Decision("accept", "test"));
    }

    /**
     * A single-chat message from {@code userId} of type {@code msgType} ({@code event} with
     * {@code eventType}), received now; {@code payload} fills the body (the object under the type's key).
     */
    static MessageAccepted message(String userId, String msgType, String eventType,
                                   java.util.function.Consumer<tools.jackson.databind.node.ObjectNode> payload) {
        return callback(userId, msgType, Instant.now(), body -> {
            if (eventType == null) {
                payload.accept(body.putObject(msgType));
            } else {
                payload.accept(body.putObject("event").put("eventtype", eventType).putObject(eventType));
            }
        });
    }

    /**
     * A single-chat message from {@code userId} of type {@code msgType} received at {@code receivedAt};
     * {@code body} fills the whole callback body (the type's object, a {@code quote}, ...).
     */
    static MessageAccepted callback(String userId, String msgType, Instant receivedAt,
                                   java.util.function.Consumer<tools.jackson.databind.node.ObjectNode> body) {
        String msgId = "msg-" + UUID.randomUUID();
        var json = io.wecomrelay.schemas.event.EventSerde.mapper().createObjectNode();
        json.put("msgid", msgId).put("aibotid", BOT).put("chattype", "single").put("msgtype", msgType);
        json.putObject("from").put("userid", userId);
        body.accept(json);
        String eventType = json.path("event").path("eventtype").asString(null);
        var message = new io.wecomrelay.schemas.event.InboundMessage(msgId, msgType, eventType,
                io.wecomrelay.schemas.event.ChatType.SINGLE, null, userId, null, json);
        var meta = new EventMeta(UUID.randomUUID(), traceIdOf(msgId), receivedAt);
        return new MessageAccepted(meta, BOT, StreamIds.of(BOT, msgId), ConversationKeys.of(BOT, null, userId, true),
                message, receivedAt, new Decision(eventType == null ? "accept" : "accept.feedback", "test"));
    }

    static String user() {
        return "u-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RecordMetadata send(String topic, MessageAccepted message) {
        return send(topic, null, message);
    }

    /** Sends to {@code partition}, or to the conversation key's partition when null. */
    static RecordMetadata send(String topic, Integer partition, MessageAccepted message) {
        byte[] value = EventSerde.of(MessageAccepted.class).serialize(topic, message);
        var record = new ProducerRecord<>(topic, partition, message.conversationKey(), value);
        record.headers().add(TraceHeaders.TRACEPARENT, decisionTraceparent(message).getBytes(StandardCharsets.UTF_8));
        return sendRaw(record);
    }

    /** A W3C trace id per message, as ingress makes them. */
    static String traceIdOf(String msgId) {
        return UUID.nameUUIDFromBytes(msgId.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** The traceparent the processor's decision record carries (its span id is made up here). */
    static String decisionTraceparent(MessageAccepted message) {
        return "00-" + message.meta().traceId() + "-" + DECISION_SPAN_ID + "-00";
    }

    static RecordMetadata sendRaw(ProducerRecord<String, byte[]> record) {
        try {
            return PRODUCER.send(record).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot send", e);
        }
    }

    static ChunkCollector chunks(String topic) {
        return COLLECTORS.computeIfAbsent(topic, name -> {
            TestInfrastructure.createTopics(2, name);
            return new ChunkCollector(name, TestInfrastructure.kafkaBootstrapServers());
        });
    }

    /** Collects a chunks topic of another broker, which the worker creates. */
    static ChunkCollector chunks(String topic, String bootstrapServers) {
        return new ChunkCollector(topic, bootstrapServers);
    }

    private static KafkaProducer<String, byte[]> producer() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The reply the responder would show: the chunks of the highest attempt folded in order. */
    record Reply(List<ReplyChunk> chunks) {

        ReplyChunk last() {
            return chunks.get(chunks.size() - 1);
        }

        String text() {
            return ReplyText.fold(chunks);
        }

        String errorCode() {
            return last().error() == null ? null : last().error().code();
        }
    }

    /** Where a chunk record lies on its topic. */
    record Position(int partition, long offset) {
    }

    /**
     * Reads a chunks topic from its start on a thread of its own, keeping every chunk, and where it lies, by
     * stream id. Every record must be keyed by its chunk's conversation key.
     */
    static final class ChunkCollector {
        /** Tests await dozens of replies one after another: poll at the collector's pace, not Awaitility's 100 ms. */
        private static final Duration POLL = Duration.ofMillis(20);
        private final Map<String, List<ReplyChunk>> byStream = new ConcurrentHashMap<>();
        private final Map<String, List<Position>> positions = new ConcurrentHashMap<>();
        private final Map<String, String> traceparents = new ConcurrentHashMap<>();

        ChunkCollector(String topic, String bootstrapServers) {
            var thread = new Thread(() -> poll(topic, bootstrapServers), "chunks-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        private void poll(String topic, String bootstrapServers) {
            Map<String, Object> props = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "collector-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (var consumer = new KafkaConsumer<String, RelayEvent>(props, new StringDeserializer(), EventSerde.any())) {
                consumer.subscribe(List.of(topic));
                while (true) {
                    for (var record : consumer.poll(Duration.ofMillis(50))) {
                        var chunk = (ReplyChunk) record.value();
                        assertThat(record.key()).isEqualTo(chunk.conversationKey());
                        traceparents.put(chunk.streamId(), TraceHeaders.traceparent(record.headers()));
                        positions.computeIfAbsent(chunk.streamId(), id -> new CopyOnWriteArrayList<>())
                                .add(new Position(record.partition(), record.offset()));
                        byStream.computeIfAbsent(chunk.streamId(), id -> new CopyOnWriteArrayList<>()).add(chunk);
                    }
                }
            }
        }

        /** Every chunk of the stream so far, in topic order. */
        List<ReplyChunk> all(String streamId) {
            return List.copyOf(byStream.getOrDefault(streamId, List.of()));
        }

        /** Where every chunk of the stream so far lies, in topic order. */
        List<Position> positions(String streamId) {
            return List.copyOf(positions.getOrDefault(streamId, List.of()));
        }

        /** The trace id of the stream's chunks' traceparent. */
        String traceId(String streamId) {
            return traceparents.get(streamId).substring(3, 35);
        }

        /** The traceparent of the stream's last chunk. */
        String traceparent(String streamId) {
            return traceparents.get(streamId);
        }

        /** Waits for the stream's finished reply (the highest attempt's chunks, once its last chunk is in). */
        Reply awaitReply(String streamId, Duration timeout) {
            return await("finished reply for " + streamId).atMost(timeout).pollInterval(POLL)
                    .until(() -> finished(streamId), Objects::nonNull);
        }

        Reply awaitReply(MessageAccepted message) {
            return awaitReply(message.streamId(), Duration.ofSeconds(15));
        }

        /** Waits until some chunk of the stream matches. */
        void awaitChunk(String streamId, Predicate<ReplyChunk> condition, Duration timeout) {
            await("matching chunk for " + streamId).atMost(timeout).pollInterval(POLL)
                    .until(() -> all(streamId).stream().anyMatch(condition));
        }

        private Reply finished(String streamId) {
            var chunks = all(streamId);
            int attempt = chunks.stream().mapToInt(ReplyChunk::attempt).max().orElse(0);
            var ofAttempt = new ArrayList<>(chunks.stream().filter(c -> c.attempt() == attempt).toList());
            ofAttempt.sort(Comparator.comparingLong(ReplyChunk::seq));
            if (ofAttempt.isEmpty() || !ofAttempt.get(ofAttempt.size() - 1).last()) {
                return null;
            }
            return new Reply(ofAttempt);
        }
    }

    /** The one upload the Dify simulator got with exactly these bytes. */
    static RecordedUpload uploadOf(byte[] content) {
        var uploads = DIFY.uploads().stream().filter(upload -> Arrays.equals(upload.content(), content)).toList();
        assertThat(uploads).as("uploads with exactly these bytes").hasSize(1);
        return uploads.get(0);
    }

    /** The one chat request that references the upload. */
    static RecordedChatRequest chatReferencing(String uploadId) {
        var requests = DIFY.chatRequests().stream()
                .filter(request -> request.files().isArray())
                .filter(request -> request.files().valueStream()
                        .anyMatch(file -> uploadId.equals(file.path("upload_file_id").asString(null))))
                .toList();
        assertThat(requests).as("chat requests referencing %s", uploadId).hasSize(1);
        return requests.get(0);
    }

    /** Waits until the simulator saw a stop of {@code taskId} that ended its open stream. */
    static void awaitStop(String taskId) {
        await("stop of task " + taskId).atMost(Duration.ofSeconds(10))
                .until(() -> DIFY.stops().stream().anyMatch(stop -> stop.taskId().equals(taskId) && stop.stoppedStream()));
    }
}
