package io.wecomrelay.responder.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;

/**
 * The reply records of both listeners on the real broker and a real Redis, when the responder dies between putting a
 * record on {@code wecom.replies} and marking it published: the sweep of any instance writes the same bytes again
 * and marks it; once marked, neither a redelivery nor a sweep writes anything.
 */
class ReplyRecordsTest {

    static TestRedis redis;
    static KafkaTemplate<String, Object> kafka;

    final String prefix = "test-" + UUID.randomUUID() + ":";
    /** Streams whose next publish reaches the broker and then fails, as if the instance died before the mark. */
    final Set<String> diesAfterPublishing = ConcurrentHashMap.newKeySet();
    /** Publishes begun, counted when asked for (the listeners ask before they return). */
    final AtomicInteger publishes = new AtomicInteger();
    SimpleMeterRegistry meters;
    RedisStreamStateWriter.Replies replyKeys;
    RedisStreamStateWriter store;
    ReplyRecords replies;
    ReplySweep sweep;
    long offset;

    @BeforeAll
    static void connect() {
        redis = new TestRedis();
        TestInfrastructure.createTopics(1, Topics.REPLIES.name());
        Map<Class<?>, Serializer<?>> byType = Map.of(RelayEvent.class, EventSerde.any());
        kafka = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new DelegatingByTypeSerializer(byType, true)));
    }

    @AfterAll
    static void disconnect() {
        kafka.destroy();
        redis.close();
    }

    @BeforeEach
    void responder() {
        meters = new SimpleMeterRegistry();
        replyKeys = new RedisStreamStateWriter.Replies(prefix + "reply:", Duration.ofHours(1));
        store = new RedisStreamStateWriter(redis.reactive(), Clock.systemUTC(), Duration.ofMinutes(10),
                StreamStateKeys.MAX_CONTENT_BYTES, "\n(cut)", replyKeys);
        ReplyPublisher broker = ReplyPublisher.to(kafka);
        ReplyPublisher dying = reply -> {
            publishes.incrementAndGet();
            return broker.publish(reply).then(Mono.defer(() -> diesAfterPublishing.remove(reply.streamId())
                    ? Mono.error(new IllegalStateException("died before the mark")) : Mono.empty()));
        };
        replies = new ReplyRecords(() -> new BotRegistry(List.of()), dying, store, Clock.systemUTC(), meters);
        sweep = new ReplySweep(new UnrecordedReplies(redis.reactive(), replyKeys, Clock.systemUTC()), replies,
                new ReplySweep.Settings(Duration.ZERO, Duration.ofHours(1)), meters);
    }

    @Test
    void aLastChunkWhoseResponderDiedBeforeTheMarkIsSweptWithTheSameBytesAndAfterItNothingIsWritten() {
        // Given a streaming bot's answer whose reply reaches the broker, and then the instance dies before the mark
        var listener = new ChunkMaterializer(store, (topic, source) -> Optional.empty(), replies, Clock.systemUTC(), meters);
        var stream = TestChunks.stream("bot-a");
        List<ConsumerRecord<String, RelayEvent>> poll = List.of(chunk(stream.append(1, 0, "你好")),
                chunk(stream.last(1, 1, "，世界")));
        diesAfterPublishing.add(stream.streamId());
        listener.onMessage(poll);
        TopicReader.await(Topics.REPLIES.name(), record -> stream.streamId().equals(record.key()), 1, Duration.ofSeconds(30));
        awaitUnrecorded(1);

        // When the sweep comes, and then the poll comes again (uncommitted) and another sweep
        assertThat(sweep.sweep().block()).isEqualTo(1);
        listener.onMessage(poll);
        assertThat(sweep.sweep().block()).isZero();

        // Then the broker has the record twice, byte for byte, and nothing after the mark
        assertThat(publishes).hasValue(2);
        List<ConsumerRecord<String, byte[]>> written = TopicReader.all(Topics.REPLIES.name(),
                record -> stream.streamId().equals(record.key()));
        assertThat(written).hasSize(2);
        assertThat(written.get(1).value()).isEqualTo(written.get(0).value());
        ReplyRecorded reply = read(written.get(0));
        assertThat(reply.text()).isEqualTo("你好，世界");
        assertThat(reply.meta().eventId()).isEqualTo(ReplyRecorded.eventIdOf(stream.streamId()));
        assertThat(TopicReader.header(written.get(0), EventHeaders.EVENT_TYPE)).isEqualTo(ReplyRecorded.TYPE);
        assertThat(TopicReader.header(written.get(0), TraceHeaders.TRACEPARENT))
                .startsWith("00-" + TestChunks.traceIdOf(stream.streamId()) + "-");
        assertThat(redis.template().opsForZSet().size(replyKeys.unrecordedKey())).isZero();
    }

    @Test
    void aRejectionWhoseResponderDiedBeforeTheMarkIsSweptWithTheSameBytesAndAfterItNothingIsWritten() {
        var listener = new RejectionMaterializer(store, (topic, source) -> Optional.empty(), replies,
                new RejectionTexts(() -> new BotRegistry(List.of()), StreamStateKeys.MAX_CONTENT_BYTES, "\n(cut)"), meters);
        MessageRejected rejection = Events.rejected("bot-a", "m-" + UUID.randomUUID(), Instant.now(), RejectReason.UNAUTHORIZED);
        ConsumerRecord<String, RelayEvent> record = new ConsumerRecord<>(Topics.REJECTED.name(), 0, offset++,
                rejection.streamId(), rejection);
        diesAfterPublishing.add(rejection.streamId());

        listener.onMessage(record);
        awaitUnrecorded(1);
        assertThat(sweep.sweep().block()).isEqualTo(1);
        listener.onMessage(record);
        assertThat(sweep.sweep().block()).isZero();

        assertThat(publishes).hasValue(2);
        List<ConsumerRecord<String, byte[]>> written = TopicReader.all(Topics.REPLIES.name(),
                r -> rejection.streamId().equals(r.key()));
        assertThat(written).hasSize(2);
        assertThat(written.get(1).value()).isEqualTo(written.get(0).value());
        assertThat(read(written.get(0))).extracting(ReplyRecorded::rejectReason, ReplyRecorded::policyVersion)
                .containsExactly(RejectReason.UNAUTHORIZED, rejection.decision().policyVersion());
        assertThat(meters.get("relay.responder.replies.recorded").tag("finish", "rejected").counter().count()).isEqualTo(1);
    }

    /** Waits until the publish the listener began failed (after reaching the broker): the record is still indexed. */
    private void awaitUnrecorded(int count) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(meters.get("relay.responder.replies.unrecorded").counter().count()).isEqualTo(count));
        assertThat(redis.template().opsForZSet().size(replyKeys.unrecordedKey())).isEqualTo(count);
    }

    private ConsumerRecord<String, RelayEvent> chunk(RelayEvent event) {
        return new ConsumerRecord<>(Topics.CHUNKS.name(), 0, offset++, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                0, 0, event.streamId(), event, new RecordHeaders(), Optional.empty());
    }

    private static ReplyRecorded read(ConsumerRecord<String, byte[]> record) {
        return EventSerde.of(ReplyRecorded.class).deserialize(record.topic(), record.value());
    }
}
