package io.wecomrelay.llm.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.testkit.MutableClock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;

/**
 * The consumer's failure handling over Kafka's MockConsumer and MockProducer: which failures are tried a bounded
 * number of times and dead-lettered, which are waited out, and when an offset counts as committed.
 */
class AcceptedConsumerTest {

    static final String TOPIC = "accepted";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final int MAX_ATTEMPTS = 3;
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String SERVICE = "wecom-relay-llm-worker";
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    final FlakyCommits kafka = new FlakyCommits();
    final KeptOpen deadLetters = new KeptOpen();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<String, Integer> redos = new ConcurrentHashMap<>();
    final Map<String, Integer> handovers = new ConcurrentHashMap<>();
    Duration revokeDrain = WAIT;
    Duration commitInterval = Duration.ZERO;
    final MutableClock clock = new MutableClock(NOW);
    AcceptedConsumer.InfrastructureProbe infrastructure = Mono::empty;
    AcceptedConsumer consumer;

    @AfterEach
    void stop() {
        consumer.stop();
    }

    @Test
    void aFailedCommitIsSentAgain() {
        kafka.failingCommits.set(1);

        start((message, traceId) -> Mono.empty(), message("a"));

        await().atMost(WAIT).until(() -> committed() == 1);
        assertThat(kafka.failingCommits).hasNegativeValue(); // the failed commit happened, then the one that counted
    }

    @Test
    void aRecordThatKeepsFailingIsDeadLetteredWithItsCauseAfterMaxAttemptsAndNoLongerHoldsUpItsConversation() {
        var poison = message("poison");
        var next = message("next"); // same conversation, behind it

        start((message, traceId) -> count(message) && message == poison
                ? Mono.error(new IllegalStateException("wrong kind of value")) : Mono.empty(), poison, next);

        await().atMost(WAIT).until(() -> committed() == 2);
        assertThat(calls.get(poison.streamId())).hasValue(MAX_ATTEMPTS);
        assertThat(calls.get(next.streamId())).hasValue(1);
        assertThat(deadLetters.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(TOPIC + ".dlt");
            assertThat(record.key()).isEqualTo(poison.conversationKey());
            assertThat(header(record, DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
            assertThat(header(record, DeadLetterHeaders.MESSAGE)).isEqualTo("wrong kind of value");
            assertThat(header(record, DeadLetterHeaders.TOPIC)).isEqualTo(TOPIC);
            assertThat(header(record, DeadLetterHeaders.PARTITION)).isEqualTo("0");
            assertThat(header(record, DeadLetterHeaders.OFFSET)).isEqualTo("0");
            assertThat(header(record, DeadLetterHeaders.SERVICE)).isEqualTo(SERVICE);
            assertThat(header(record, DeadLetterHeaders.AT)).isEqualTo(NOW.toString());
        });
        assertThat(meters.get(DeadLetterScheme.METRIC).tags("service", SERVICE, "topic", TOPIC, "cause", "IllegalStateException")
                .counter().count()).isEqualTo(1.0);
        assertThat(redos).containsEntry("record", MAX_ATTEMPTS - 1);
    }

    @Test
    void redisBeingUnavailableIsWaitedOutAndNeverCountsTowardsTheDeadLetterTopic() {
        waitsOut(new RedisConnectionFailureException("Unable to connect to Redis"));
    }

    @Test
    void aKafkaErrorOfEveryReplyAlikeIsWaitedOutLikeAnOutage() {
        // not retriable by Kafka's own verdict, but not the record's fault either: an operator fixes the ACL
        waitsOut(new KafkaException("Send failed", new TopicAuthorizationException("not authorized to write")));
    }

    @Test
    void aReplyFailedByAnOutageIsRedoneOnceTheInfrastructureAnswersAgainNotWhileItLasts() {
        var message = message("outage");
        var outage = new AtomicBoolean(true);
        var probes = new AtomicInteger();
        infrastructure = () -> Mono.defer(() -> probes.incrementAndGet() > 0 && outage.get()
                ? Mono.error(new RedisConnectionFailureException("Unable to connect to Redis")) : Mono.empty());

        start((accepted, traceId) -> count(accepted) && outage.get()
                ? Mono.error(new RedisConnectionFailureException("Unable to connect to Redis")) : Mono.empty(), message);

        // probed over and over (the backoff is capped at 20 ms) while the reply is not tried again
        await().atMost(WAIT).until(() -> probes.get() > MAX_ATTEMPTS + 2);
        assertThat(calls.get(message.streamId())).hasValue(1);
        assertThat(consumer.waitingForInfrastructure()).isEqualTo(1);
        outage.set(false);

        await().atMost(WAIT).until(() -> committed() == 1);
        assertThat(calls.get(message.streamId())).hasValue(2);
        assertThat(redos).containsExactly(Map.entry("infrastructure", 1));
        assertThat(consumer.waitingForInfrastructure()).isZero();
        assertThat(deadLetters.history()).isEmpty();
    }

    @Test
    void aRunningReplyOfARevokedPartitionFinishesAndIsCommittedBeforeThePartitionGoes() {
        var streaming = message("streaming");
        var behind = message("behind"); // same conversation, waiting for it
        var finish = new CompletableFuture<Void>();

        start((message, traceId) -> count(message) && message == streaming ? Mono.fromFuture(finish) : Mono.empty(),
                streaming, behind);
        await().atMost(WAIT).until(() -> calls.containsKey(streaming.streamId()));
        kafka.schedulePollTask(() -> kafka.rebalance(List.of()));
        await().atMost(WAIT).until(() -> consumer.givingUp(P0));
        finish.complete(null);

        await().atMost(WAIT).until(() -> lastCommitted() == 1);
        assertThat(handovers).containsExactly(Map.entry("drained", 1));
        assertThat(calls).as("the waiting record is left to the next owner").doesNotContainKey(behind.streamId());
    }

    @Test
    void aReplyStillRunningAtTheBoundIsAbandonedForTheNextOwnerToRedo() {
        revokeDrain = Duration.ZERO;
        var streaming = message("streaming");
        var abandoned = new AtomicBoolean();

        start((message, traceId) -> count(message) ? Mono.<Void>never().doOnCancel(() -> abandoned.set(true))
                : Mono.empty(), streaming);
        await().atMost(WAIT).until(() -> calls.containsKey(streaming.streamId()));
        kafka.schedulePollTask(() -> kafka.rebalance(List.of()));

        await().atMost(WAIT).until(abandoned::get);
        assertThat(handovers).containsExactly(Map.entry("timed_out", 1));
        assertThat(lastCommitted()).isZero();
    }

    @Test
    void aReplyThatFailsWhileItsPartitionIsGivenUpIsLeftToTheNextOwnerNotRedoneOrDeadLetteredHere() {
        var failing = message("failing");
        var fail = new CompletableFuture<Void>();

        start((message, traceId) -> count(message)
                ? Mono.fromFuture(fail).then(Mono.error(new IllegalStateException("wrong kind of value"))) : Mono.empty(),
                failing);
        await().atMost(WAIT).until(() -> calls.containsKey(failing.streamId()));
        kafka.schedulePollTask(() -> kafka.rebalance(List.of()));
        await().atMost(WAIT).until(() -> consumer.givingUp(P0));
        fail.complete(null);

        await().atMost(WAIT).until(() -> handovers.containsKey("failed"));
        assertThat(calls.get(failing.streamId())).hasValue(1);
        assertThat(redos).isEmpty();
        assertThat(deadLetters.history()).isEmpty();
        assertThat(lastCommitted()).isZero();
    }

    @Test
    void finishedOffsetsWaitForTheCommitIntervalNotForEveryLoop() {
        commitInterval = Duration.ofMinutes(1);
        var first = message("first");
        var second = message("second");
        var answered = Map.of(first, new CompletableFuture<Void>(), second, new CompletableFuture<Void>());

        start((message, traceId) -> Mono.fromFuture(answered.get(message)), first, second);
        answered.get(first).complete(null); // reported finished before this returns
        await().atMost(WAIT).until(() -> committed() == 1); // the first commit: the interval runs from here
        answered.get(second).complete(null);
        awaitLoops();

        assertThat(committed()).as("finished, applied, not committed within the interval").isEqualTo(1);
        clock.advance(commitInterval);
        await().atMost(WAIT).until(() -> committed() == 2);
    }

    @Test
    void aDeadLetteredRecordIsCommittedAtOnceNotAfterTheCommitInterval() {
        commitInterval = Duration.ofMinutes(1);
        var first = message("first");
        var poison = message("poison");
        var answered = new CompletableFuture<Void>();
        var failing = new CompletableFuture<Void>();

        start((message, traceId) -> message == poison
                ? Mono.fromFuture(failing).then(Mono.error(new IllegalStateException("wrong kind of value")))
                : Mono.fromFuture(answered), first, poison);
        answered.complete(null);
        await().atMost(WAIT).until(() -> committed() == 1); // the first commit: the interval runs from here
        failing.complete(null);

        await().atMost(WAIT).until(() -> committed() == 2);
        assertThat(deadLetters.history()).hasSize(1);
    }

    /** A few poll loops from now: what finished before has been applied, and committed if a commit was due. */
    private void awaitLoops() {
        int polls = kafka.polls.get();
        await().atMost(WAIT).until(() -> kafka.polls.get() >= polls + 5);
    }

    private void waitsOut(RuntimeException failure) {
        var message = message("outage");
        var outage = new AtomicBoolean(true);

        start((accepted, traceId) -> count(accepted) && outage.get() ? Mono.error(failure) : Mono.empty(), message);

        await().atMost(WAIT)
                .until(() -> calls.getOrDefault(message.streamId(), new AtomicInteger()).get() > MAX_ATTEMPTS + 2);
        assertThat(consumer.waitingForInfrastructure()).isEqualTo(1);
        outage.set(false);

        await().atMost(WAIT).until(() -> committed() == 1);
        assertThat(deadLetters.history()).isEmpty();
        assertThat(meters.find(DeadLetterScheme.METRIC).counters()).isEmpty();
        assertThat(consumer.waitingForInfrastructure()).isZero();
        assertThat(redos).doesNotContainKey("record").containsKey("infrastructure");
    }

    private void start(AcceptedConsumer.Handler handler, MessageAccepted... messages) {
        kafka.schedulePollTask(() -> {
            kafka.rebalance(List.of(P0));
            kafka.updateBeginningOffsets(Map.of(P0, 0L));
            for (int offset = 0; offset < messages.length; offset++) {
                kafka.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, messages[offset].conversationKey(), messages[offset]));
            }
        });
        var settings = new AcceptedConsumer.Settings(8, 8, 100, Duration.ofMillis(10), Duration.ZERO, revokeDrain,
                Duration.ofMillis(5), Duration.ofMillis(20), MAX_ATTEMPTS, commitInterval);
        var scheme = new DeadLetterScheme(SERVICE, Clock.fixed(NOW, ZoneOffset.UTC), meters);
        consumer = new AcceptedConsumer(() -> kafka, TOPIC, handler, new AcceptedDeadLetters(new KafkaTemplate<>(() -> deadLetters), scheme),
                settings, new AcceptedConsumer.Metrics() {
                    @Override
                    public void deferred(String botId) {
                    }

                    @Override
                    public void redone(String botId, boolean infrastructure) {
                        redos.merge(infrastructure ? "infrastructure" : "record", 1, Integer::sum);
                    }

                    @Override
                    public void handedOver(String botId, String outcome) {
                        handovers.merge(outcome, 1, Integer::sum);
                    }
                }, infrastructure, clock);
        consumer.start();
    }

    private boolean count(MessageAccepted message) {
        calls.computeIfAbsent(message.streamId(), id -> new AtomicInteger()).incrementAndGet();
        return true;
    }

    private long committed() {
        OffsetAndMetadata offset = kafka.committed(Set.of(P0)).get(P0);
        return offset == null ? 0 : offset.offset();
    }

    private long lastCommitted() {
        return kafka.lastCommitted.getOrDefault(P0, 0L);
    }

    private static String header(org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Messages of one conversation. */
    static MessageAccepted message(String text) {
        String msgId = "msg-" + UUID.randomUUID();
        var meta = new EventMeta(UUID.randomUUID(), "trace-" + msgId, Instant.now());
        return new MessageAccepted(meta, "bot", "stream-" + msgId, "bot:u", Events.text(msgId, "u", text), Instant.now(),
                new Decision("accept", "test"));
    }

    /** Fails the first {@code failingCommits} asynchronous commits, as when the group coordinator moves. */
    static final class FlakyCommits extends MockConsumer<String, MessageAccepted> {
        final AtomicInteger failingCommits = new AtomicInteger();
        /** What was committed, also of partitions no longer assigned (MockConsumer reports those as 0). */
        final Map<TopicPartition, Long> lastCommitted = new ConcurrentHashMap<>();
        final AtomicInteger polls = new AtomicInteger();

        FlakyCommits() {
            super("earliest");
        }

        @Override
        public synchronized ConsumerRecords<String, MessageAccepted> poll(Duration timeout) {
            polls.incrementAndGet();
            return super.poll(timeout);
        }

        /** MockConsumer's commitSync calls this too. */
        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            if (failingCommits.getAndDecrement() > 0) {
                callback.onComplete(offsets, new RetriableCommitFailedException("coordinator moved"));
                return;
            }
            super.commitAsync(offsets, callback);
            offsets.forEach((partition, offset) -> lastCommitted.put(partition, offset.offset()));
        }
    }

    /** The template closes its producer after each send; this one stays usable. */
    static final class KeptOpen extends MockProducer<String, byte[]> {
        KeptOpen() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void close() {
        }

        @Override
        public void close(Duration timeout) {
        }
    }
}
