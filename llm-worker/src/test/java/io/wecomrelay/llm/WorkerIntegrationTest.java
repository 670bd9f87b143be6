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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.llm.WorkerTestSupport.Position;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.sim.dify.RecordedFeedback;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One worker against the Dify simulator over real HTTP, the in-JVM broker and a real Redis. Every
 * test uses its own users (conversation keys) and message ids; {@code it.accepted} has one partition,
 * so every test also runs next to the others on the same partition.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerIntegrationTest {

    private static final String PREFIX = "it";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");

    @Autowired
    ReactiveStringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ClientResources lettuce;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void answersATextMessageWithNumberedCoalescedChunks() {
        String user = user();
        var message = text(user, "你好 hello [sim:deltas=8,delay-ms=40]");
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(message.message().body().path("text").path("content").asString()));
        assertThat(reply.chunks()).extracting(ReplyChunk::seq).containsExactly(sequence(reply.chunks().size()));
        assertThat(reply.chunks()).allSatisfy(chunk -> {
            assertThat(chunk.attempt()).isEqualTo(1);
            assertThat(chunk.meta().traceId()).isEqualTo(message.meta().traceId());
            assertThat(chunk.route().userId()).isEqualTo(user);
        });
        assertThat(reply.chunks().size()).as("8 deltas over 320 ms, coalesced per 150 ms").isBetween(3, 7);
        assertThat(reply.last().usage()).isNotNull();
        assertThat(reply.last().error()).isNull();
        // (the chunks continue the decision's trace under the worker's span, and so does the Dify request)
        assertThat(CHUNKS.traceId(message.streamId())).isEqualTo(message.meta().traceId());
        assertThat(CHUNKS.traceparent(message.streamId())).doesNotContain(WorkerTestSupport.DECISION_SPAN_ID);
        RecordedChatRequest request = only(query(message));
        assertThat(request.headers().get(TraceHeaders.TRACEPARENT)).startsWith("00-" + message.meta().traceId() + "-")
                .doesNotContain(WorkerTestSupport.DECISION_SPAN_ID)
                .isNotEqualTo(CHUNKS.traceparent(message.streamId()));
        assertThat(request.user()).isEqualTo(ConversationKeys.difyUser(WorkerTestSupport.BOT, user));
        assertThat(request.body()).contains("\"response_mode\":\"streaming\"");
        assertThat(request.headers().get("accept")).contains("text/event-stream");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(meters.find("relay.worker.first.text").tag("bot", WorkerTestSupport.BOT).timers())
                    .anySatisfy(timer -> assertThat(timer.count()).isPositive());
            for (String hop : List.of(HopLatency.DECISION_TO_WORKER, HopLatency.WORKER_TO_DIFY)) {
                assertThat(meters.find(HopLatency.NAME).tags("hop", hop, "bot", WorkerTestSupport.BOT).timers())
                        .anySatisfy(timer -> assertThat(timer.count()).isPositive());
            }
            assertThat(counted("relay.worker.chunks", "bot", WorkerTestSupport.BOT)).isGreaterThanOrEqualTo(reply.chunks().size());
        });
    }

    @Test
    void decisionsOfAnAbortedProcessorTransactionAreNeverAnswered() throws Exception {
        // the processor writes decisions in exactly-once transactions; one it aborted (a crash, a fenced
        // instance) is decided again, so acting on the aborted copy would call Dify twice
        var aborted = text(user(), "never decided " + UUID.randomUUID());
        var committed = text(user(), "decided [sim:deltas=3,delay-ms=100]");
        var props = new java.util.Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-processor-" + UUID.randomUUID());
        try (var processor = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            processor.initTransactions();
            processor.beginTransaction();
            processor.send(new ProducerRecord<>(ACCEPTED, aborted.conversationKey(),
                    EventSerde.of(MessageAccepted.class).serialize(ACCEPTED, aborted))).get();
            processor.abortTransaction();
            processor.beginTransaction();
            processor.send(new ProducerRecord<>(ACCEPTED, committed.conversationKey(),
                    EventSerde.of(MessageAccepted.class).serialize(ACCEPTED, committed))).get();
            processor.commitTransaction();
        }

        CHUNKS.awaitReply(committed);

        assertThat(DIFY.requestsFor(query(aborted))).isEmpty();
        assertThat(CHUNKS.all(aborted.streamId())).isEmpty();
    }

    @Test
    void handlesAgentChatflowReplaceAndSplitMultiByteStreams() {
        var agent = text(user(), "draw [sim:agent]");
        var chatflow = text(user(), "flow [sim:chatflow]");
        var replace = text(user(), "moderate me [sim:message-replace]");
        var split = text(user(), "中文拆分 🙂 [sim:split-multibyte]");
        List.of(agent, chatflow, replace, split).forEach(m -> send(ACCEPTED, m));

        var agentReply = CHUNKS.awaitReply(agent);
        // the tool's image (a message_file on the bot's Dify origin) is attached to the final frame, not linked
        assertThat(agentReply.text()).isEqualTo(DifySimulator.expectedAnswer(query(agent)));
        assertThat(agentReply.last().images()).isEmpty();
        assertThat(agentReply.last().attachedImages()).singleElement()
                .satisfies(image -> assertThat(image.format()).isEqualTo(io.wecomrelay.schemas.wecom.reply.ImageFormat.PNG));

        assertThat(CHUNKS.awaitReply(chatflow).text()).isEqualTo(DifySimulator.expectedAnswer(query(chatflow)));

        var replaced = CHUNKS.awaitReply(replace);
        assertThat(replaced.chunks()).anyMatch(chunk -> chunk.kind() == ChunkKind.REPLACE);
        assertThat(replaced.text()).contains("replaced by moderation").doesNotContain("You said");

        var splitReply = CHUNKS.awaitReply(split);
        assertThat(splitReply.text()).isEqualTo(DifySimulator.expectedAnswer(query(split))).doesNotContain("\uFFFD");
    }

    @Test
    void pingsKeepALongPauseAliveButSilenceFinishesWithANoteAndStopsTheTask() {
        var paused = text(user(), "wait [sim:pause,pause-ms=2500,ping-ms=200]");
        var silent = text(user(), "hang [sim:silent-hang]");
        send(ACCEPTED, paused);
        send(ACCEPTED, silent);

        var silentReply = CHUNKS.awaitReply(silent);
        assertThat(silentReply.errorCode()).isEqualTo(ErrorCodes.IDLE_TIMEOUT);
        assertThat(silentReply.text()).startsWith("你好").contains("went quiet");
        String taskId = only(query(silent)).taskId();
        awaitStop(taskId);

        var pausedReply = CHUNKS.awaitReply(paused);
        assertThat(pausedReply.errorCode()).isNull();
        assertThat(pausedReply.text()).isEqualTo(DifySimulator.expectedAnswer(query(paused)));
    }

    @Test
    void theDeadlineFromReceivedAtFinishesTheReplyBeforeWecomsWindowAndStopsTheTask() {
        var late = text(user(), "long task [sim:pause,pause-ms=10000,ping-ms=200,deltas=2]", Instant.now().minus(Duration.ofSeconds(329)));
        send(ACCEPTED, late);

        var reply = CHUNKS.awaitReply(late);

        assertThat(reply.errorCode()).isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        assertThat(reply.text()).contains("took too long");
        awaitStop(only(query(late)).taskId());
    }

    @Test
    void errorsBeforeAndDuringTheStreamFinishWithAnApology() {
        var mid = text(user(), uniq("[sim:error-mid]"));
        var bad = text(user(), uniq("[sim:http-400]"));
        var gone = text(user(), uniq("[sim:http-404]"));
        var busy = text(user(), uniq("[sim:http-429]"));
        var broken = text(user(), uniq("[sim:http-500]"));
        var cut = text(user(), uniq("[sim:no-terminal]"));
        List.of(mid, bad, gone, busy, broken, cut).forEach(m -> send(ACCEPTED, m));

        var midReply = CHUNKS.awaitReply(mid);
        assertThat(midReply.errorCode()).isEqualTo("completion_request_error");
        assertThat(midReply.text()).startsWith("你好").contains("model request failed");
        assertThat(midReply.last().text()).endsWith("\n\n" + midReply.last().error().userMessage());

        assertThat(CHUNKS.awaitReply(bad).errorCode()).isEqualTo("invalid_param");
        assertThat(CHUNKS.awaitReply(gone).errorCode()).isEqualTo("not_found");
        assertThat(CHUNKS.awaitReply(busy).errorCode()).isEqualTo("too_many_requests");
        assertThat(CHUNKS.awaitReply(broken).errorCode()).isEqualTo("internal_server_error");
        assertThat(DIFY.requestsFor(query(bad))).as("400 is not retried").hasSize(1);
        assertThat(DIFY.requestsFor(query(gone))).as("404 without a stored conversation is not retried").hasSize(1);
        assertThat(DIFY.requestsFor(query(busy))).as("429 is retried with backoff").hasSize(3);
        assertThat(DIFY.requestsFor(query(broken))).as("500 is retried with backoff").hasSize(3);

        var unreachable = text(WorkerTestSupport.UNREACHABLE_BOT, user(), "anyone there?", Instant.now());
        var unknown = text("bot-nobody-configured", user(), "hello?", Instant.now());
        send(ACCEPTED, unreachable);
        send(ACCEPTED, unknown);
        assertThat(CHUNKS.awaitReply(unreachable).errorCode()).isEqualTo(ErrorCodes.NETWORK_ERROR);
        assertThat(CHUNKS.awaitReply(unknown).errorCode()).isEqualTo(ErrorCodes.BOT_UNKNOWN);
        await().atMost(WAIT).untilAsserted(() -> assertThat(counted("relay.worker.errors", "code", ErrorCodes.NETWORK_ERROR)).isPositive());

        var cutReply = CHUNKS.awaitReply(cut);
        assertThat(cutReply.errorCode()).isEqualTo(ErrorCodes.NO_TERMINAL);
        assertThat(cutReply.text()).startsWith(DifySimulator.expectedAnswer(query(cut)));
    }

    @Test
    void continuesTheConversationAndResetStartsANewOneWithoutAskingDify() {
        String user = user();
        var first = text(user, "first [sim:deltas=2,delay-ms=5]");
        var second = text(user, "second [sim:deltas=2,delay-ms=5]");
        var reset = text(user, " /new ");
        var third = text(user, "third [sim:deltas=2,delay-ms=5]");
        List.of(first, second, reset, third).forEach(m -> send(ACCEPTED, m));

        CHUNKS.awaitReply(first);
        CHUNKS.awaitReply(second);
        var resetReply = CHUNKS.awaitReply(reset);
        CHUNKS.awaitReply(third);

        String conversation = only(query(first)).assignedConversationId();
        assertThat(only(query(second)).conversationId()).isEqualTo(conversation);
        assertThat(DIFY.messageCount(conversation)).isEqualTo(2);
        assertThat(resetReply.chunks()).singleElement().satisfies(chunk -> {
            assertThat(chunk.text()).contains("new conversation");
            assertThat(chunk.last()).isTrue();
            assertThat(chunk.error()).isNull();
        });
        assertThat(DIFY.requestsFor("/new")).isEmpty();
        assertThat(only(query(third)).conversationId()).isNull();
        assertThat(only(query(third)).assignedConversationId()).isNotEqualTo(conversation);
    }

    @Test
    void aConversationDifyNoLongerKnowsIsReplacedTransparently() {
        String user = user();
        var message = text(user, "after a Dify app switch [sim:deltas=2,delay-ms=5]");
        String stale = UUID.randomUUID().toString();
        redis.opsForValue().set("llm:conversation:" + message.conversationKey(), stale).block();
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        var requests = DIFY.requestsFor(query(message));
        assertThat(requests).extracting(RecordedChatRequest::conversationId).containsExactly(stale, null);
        assertThat(requests.get(0).status()).isEqualTo(404);
        awaitStored(message.conversationKey(), requests.get(1).assignedConversationId());
    }

    @Test
    void keepsEachConversationInOrderWhileConversationsInterleave() {
        String a = user();
        String b = user();
        var messages = new ArrayList<MessageAccepted>();
        for (int i = 0; i < 3; i++) {
            messages.add(text(a, "a" + i + " [sim:deltas=4,delay-ms=50]"));
            messages.add(text(b, "b" + i + " [sim:deltas=4,delay-ms=50]"));
        }
        messages.forEach(m -> send(ACCEPTED, m));
        messages.forEach(CHUNKS::awaitReply);

        for (int i = 1; i < 3; i++) {
            for (int user = 0; user < 2; user++) {
                var previous = messages.get(2 * (i - 1) + user);
                var next = messages.get(2 * i + user);
                Instant previousFinished = CHUNKS.awaitReply(previous).last().meta().occurredAt();
                assertThat(only(query(next)).receivedAt()).as("one at a time per conversation")
                        .isAfterOrEqualTo(previousFinished);
            }
        }
        Instant a0Finished = CHUNKS.awaitReply(messages.get(0)).last().meta().occurredAt();
        assertThat(only(query(messages.get(1))).receivedAt()).as("conversations run side by side").isBefore(a0Finished);
    }

    @Test
    void aConversationsRepliesLieOnOnePartitionEachAfterThePreviousOne() {
        // Given messages of one conversation whose stream ids fall on both chunk partitions: were chunks keyed by
        // stream id, a responder that stalls on one partition would finish (and deliver) later replies first
        String user = user();
        var messages = new ArrayList<MessageAccepted>();
        Set<Integer> byStreamId = new HashSet<>();
        while (messages.size() < 4 || byStreamId.size() < 2) {
            var message = text(user, "in order " + messages.size() + " [sim:deltas=3,delay-ms=20]");
            messages.add(message);
            byStreamId.add(BuiltInPartitioner.partitionForKey(message.streamId().getBytes(StandardCharsets.UTF_8), 2));
        }

        // When
        messages.forEach(m -> send(ACCEPTED, m));
        messages.forEach(CHUNKS::awaitReply);

        // Then every chunk of the conversation is on one partition, each reply's after the previous reply's
        List<Position> placed = messages.stream().flatMap(m -> CHUNKS.positions(m.streamId()).stream()).toList();
        assertThat(placed).extracting(Position::partition).as("the conversation's partition")
                .containsOnly(placed.get(0).partition());
        assertThat(placed).extracting(Position::offset).as("replies in the order of their messages").isSorted();
    }

    @Test
    void oneSlowConversationDoesNotDelayFiftyOthersOnTheSamePartition() throws Exception {
        // the slow reply still pausing when all fifty fast ones have finished is the proof; no stopwatch needed
        var slow = text(user(), "slow [sim:pause,pause-ms=10000,ping-ms=500,deltas=2]");
        var slowRecord = send(ACCEPTED, slow);
        CHUNKS.awaitChunk(slow.streamId(), chunk -> true, Duration.ofSeconds(5));
        var fast = new ArrayList<MessageAccepted>();
        for (int i = 0; i < 50; i++) {
            fast.add(text(user(), "fast " + i + " [sim:deltas=2,delay-ms=10]"));
        }
        fast.forEach(m -> send(ACCEPTED, m));

        fast.forEach(m -> CHUNKS.awaitReply(m.streamId(), Duration.ofSeconds(8)));

        assertThat(CHUNKS.all(slow.streamId())).as("the slow reply, still paused").noneMatch(ReplyChunk::last);
        assertThat(committed(slowRecord.partition())).as("the commit never passes the unfinished slow record")
                .isLessThanOrEqualTo(slowRecord.offset());
        assertThat(CHUNKS.awaitReply(slow.streamId(), Duration.ofSeconds(20)).errorCode()).isNull();
    }

    @Test
    void aRedeliveredFinishedMessageIsNotAnsweredAgain() {
        String user = user();
        var message = text(user, "once [sim:deltas=2,delay-ms=5]");
        send(ACCEPTED, message);
        CHUNKS.awaitReply(message);
        send(ACCEPTED, message);
        var after = text(user, "after [sim:deltas=2,delay-ms=5]");
        send(ACCEPTED, after);
        CHUNKS.awaitReply(after);

        assertThat(DIFY.requestsFor(query(message))).hasSize(1);
        assertThat(CHUNKS.all(message.streamId())).allMatch(chunk -> chunk.attempt() == 1)
                .filteredOn(ReplyChunk::last).hasSize(1);
    }

    @Test
    void redisCommandsAreNotObservedByDefault() {
        assertThat(lettuce.tracing().isEnabled()).as("Lettuce observations run on its only I/O thread").isFalse();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndConsumptionGoesOn() {
        String key = "poison-" + UUID.randomUUID();
        WorkerTestSupport.sendRaw(new ProducerRecord<>(ACCEPTED, key, "not an event".getBytes(StandardCharsets.UTF_8)));
        var unknown = WorkerTestSupport.message(user(), "location", null, payload -> payload.put("latitude", 31.2));
        send(ACCEPTED, unknown);

        var reply = CHUNKS.awaitReply(unknown);
        assertThat(reply.errorCode()).isEqualTo(ErrorCodes.UNSUPPORTED_INPUT);
        assertThat(reply.text()).contains("not supported");
        assertThat(deadLetterValue(key)).isEqualTo("not an event");
    }

    @Test
    void feedbackOnAReplyGoesToDifyForItsMessageAndPublishesNothing() {
        String user = user();
        var question = text(user, "rate me [sim:deltas=2,delay-ms=5]");
        send(ACCEPTED, question);
        CHUNKS.awaitReply(question);
        var asked = only(query(question));
        var dislike = feedback(user, question.streamId(), 2, "能再详细一些么");
        var withdrawn = feedback(user, question.streamId(), 3, null);
        var like = feedback(user, question.streamId(), 1, null);
        var unknown = feedback(user, "no-such-stream-id-0000", 1, null);
        List.of(dislike, withdrawn, like, unknown).forEach(m -> send(ACCEPTED, m));

        var recorded = await().atMost(WAIT).until(
                () -> DIFY.feedbacks().stream().filter(f -> f.messageId().equals(asked.messageId())).toList(), found -> found.size() >= 3);
        assertThat(recorded).extracting(RecordedFeedback::rating).containsExactly("dislike", null, "like");
        assertThat(recorded).extracting(RecordedFeedback::content).containsExactly("能再详细一些么", null, null);
        assertThat(recorded).allSatisfy(feedback -> assertThat(feedback.user()).isEqualTo(asked.user()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(counted("relay.worker.feedback", "outcome", "unknown_message")).isPositive());
        for (var event : List.of(dislike, withdrawn, like, unknown)) {
            assertThat(CHUNKS.all(event.streamId())).isEmpty();
        }
        assertThat(redis.getExpire("llm:message:" + question.streamId()).block())
                .isGreaterThan(Duration.ofDays(6));
    }

    private static MessageAccepted feedback(String user, String streamId, int type, String content) {
        return WorkerTestSupport.message(user, "event", "feedback_event", payload -> {
            payload.put("id", streamId).put("type", type);
            if (content != null) {
                payload.put("content", content);
            }
            payload.putArray("inaccurate_reason_list").add(2);
        });
    }

    /** What the counter counted so far (0 before its first count): metrics are counted around a publish, not before it. */
    private double counted(String meter, String tag, String value) {
        return meters.find(meter).tag(tag, value).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static String uniq(String text) {
        return "q-" + UUID.randomUUID().toString().substring(0, 8) + " " + text;
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString().strip();
    }

    private static RecordedChatRequest only(String query) {
        var requests = DIFY.requestsFor(query);
        assertThat(requests).as("Dify requests for %s", query).hasSize(1);
        return requests.get(0);
    }

    private static Long[] sequence(int size) {
        var result = new Long[size];
        for (int i = 0; i < size; i++) {
            result[i] = (long) i;
        }
        return result;
    }

    private void awaitStored(String conversationKey, String conversationId) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(redis.opsForValue().get("llm:conversation:" + conversationKey).block())
                .as("stored conversation").isEqualTo(conversationId));
    }

    private static long committed(int partition) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            var offsets = admin.listConsumerGroupOffsets(PREFIX + "-worker").partitionsToOffsetAndMetadata().get();
            var offset = offsets.get(new TopicPartition(ACCEPTED, partition));
            return offset == null ? 0 : offset.offset();
        }
    }

    private static String deadLetterValue(String key) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(ACCEPTED + ".dlt"));
            var deadLetter = await("dead letter for " + key).atMost(Duration.ofSeconds(10)).pollInSameThread().until(
                    () -> StreamSupport.stream(consumer.poll(Duration.ofMillis(100)).spliterator(), false)
                            .filter(record -> key.equals(record.key())).findFirst(), Optional::isPresent).orElseThrow();
            assertThat(deadLetter.headers().lastHeader(DeadLetterHeaders.EXCEPTION)).isNotNull();
            return new String(deadLetter.value(), StandardCharsets.UTF_8);
        }
    }
}
