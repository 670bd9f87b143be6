package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.BOT;
import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.llm.state.AnswerRests;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.AnswerRestKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * "Rest on request", worker side, against the in-JVM broker, real Redis and the Dify simulator: a continue word of
 * the user a long answer's rest was kept for (as the responder keeps it) gets the next part, without a Dify call.
 */
class WorkerContinuationsTest {

    private static final String PREFIX = "continue";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final String NOTE = "\n\n（回复“继续”查看剩余内容 / reply “继续” for the rest）";
    private static ConfigurableApplicationContext worker;
    private static RedisClient client;
    private static RedisCommands<String, String> redis;

    @BeforeAll
    static void start() {
        TestInfrastructure.createTopics(1, PREFIX + ".accepted");
        worker = WorkerTestSupport.worker(PREFIX, Map.of());
        client = RedisClient.create(TestInfrastructure.redisUrl());
        redis = client.connect().sync();
    }

    @AfterAll
    static void stop() {
        worker.close();
        client.shutdown();
    }

    @Test
    void theAskersContinueWordsShowThePartsInOrderWithoutDify() {
        String asker = user();
        MessageAccepted first = single(asker, " 继续 ");
        String key = keep(first.conversationKey(), asker, "第一部分 part one", "第二部分 part two");
        int difyCalls = difyCallsOf(asker);

        String shown = replyTo(first);
        assertThat(shown).isEqualTo("第一部分 part one" + NOTE);
        assertThat(redis.hget(key, AnswerRestKeys.NEXT)).isEqualTo("2");
        assertThat(redis.hexists(key, AnswerRestKeys.part(1))).isFalse();

        MessageAccepted second = single(asker, "CONTINUE");
        assertThat(replyTo(second)).isEqualTo("第二部分 part two");
        // exhausted, kept for its TTL: a redo of the responder's job must see that the parts were taken
        assertThat(redis.hget(key, AnswerRestKeys.NEXT)).isEqualTo("3");
        assertThat(redis.hexists(key, AnswerRestKeys.part(2))).isFalse();
        assertThat(redis.pttl(key)).isPositive();
        assertThat(difyCallsOf(asker)).isEqualTo(difyCalls);
        assertThat(continuations("taken")).isGreaterThanOrEqualTo(1);
        assertThat(continuations("last")).isGreaterThanOrEqualTo(1);

        // nothing left: the next continue word is a question for Dify
        replyTo(single(asker, "继续"));
        assertThat(difyCallsOf(asker)).isEqualTo(difyCalls + 1);
    }

    @Test
    void aRedoOfTheMessageShowsTheSameTextAndTakesNothingMore() {
        String asker = user();
        MessageAccepted message = single(asker, "继续");
        String key = keep(message.conversationKey(), asker, "一", "二", "三");
        assertThat(replyTo(message)).isEqualTo("一" + NOTE);

        // the first attempt died after the take, before its done marker: the message is redone
        redis.del("llm:done:" + message.streamId());
        WorkerTestSupport.send(PREFIX + ".accepted", message);
        CHUNKS.awaitChunk(message.streamId(), chunk -> chunk.attempt() == 2 && chunk.last(), Duration.ofSeconds(15));

        assertThat(CHUNKS.awaitReply(message).text()).isEqualTo("一" + NOTE);
        assertThat(redis.hget(key, AnswerRestKeys.NEXT)).isEqualTo("2");
        assertThat(redis.hget(key, AnswerRestKeys.part(2))).isEqualTo("二");
        assertThat(continuations("redo")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anotherUserOrAnotherConversationAsksDifyAndLeavesTheRestAlone() {
        String asker = user();
        String other = user();
        String chat = "chat-" + UUID.randomUUID();
        MessageAccepted othersWord = group(chat, other, "继续");
        String key = keep(othersWord.conversationKey(), asker, "只给提问者 only for the asker");
        int difyCalls = difyCallsOf("g:" + chat) + difyCallsOf(asker);

        replyTo(othersWord);
        replyTo(single(asker, "继续")); // the asker, in a single chat: another conversation

        assertThat(difyCallsOf("g:" + chat) + difyCallsOf(asker)).isEqualTo(difyCalls + 2);
        assertThat(redis.hgetall(key)).containsEntry(AnswerRestKeys.NEXT, "1")
                .containsEntry(AnswerRestKeys.part(1), "只给提问者 only for the asker");
        assertThat(continuations("other_user")).isGreaterThanOrEqualTo(1);
        assertThat(continuations("none")).isGreaterThanOrEqualTo(1);
    }

    /** Twenty deliveries of different continue words race for five parts: each part is taken once, in order. */
    @Test
    void concurrentTakesTakeEachPartOnce() throws Exception {
        String asker = user();
        List<String> parts = List.of("p-1", "p-2", "p-3", "p-4", "p-5");
        MessageAccepted sample = single(asker, "继续");
        keep(sample.conversationKey(), asker, parts.toArray(String[]::new));
        var factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        var rests = new AnswerRests(new ReactiveStringRedisTemplate(factory), Duration.ofMinutes(5),
                TestWheel.bound(Duration.ofSeconds(5)));
        List<String> shown = Collections.synchronizedList(new ArrayList<>());
        var pool = Executors.newFixedThreadPool(8);
        try {
            var takes = new ArrayList<CompletableFuture<?>>();
            for (int i = 0; i < 20; i++) {
                MessageAccepted message = single(asker, "继续");
                takes.add(CompletableFuture.runAsync(() -> {
                    var taken = rests.take(message).block();
                    if (taken != null && taken.text() != null) {
                        shown.add(taken.text().replace(NOTE, ""));
                    }
                }, pool));
            }
            CompletableFuture.allOf(takes.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
            factory.destroy();
        }
        assertThat(shown).containsExactlyInAnyOrderElementsOf(parts);
    }

    /** Keeps {@code parts} as the responder does, for {@code asker}; returns the key. */
    private static String keep(String conversationKey, String asker, String... parts) {
        String key = AnswerRestKeys.key(BOT, conversationKey);
        Map<String, String> fields = new LinkedHashMap<>(Map.of(AnswerRestKeys.USER, asker, AnswerRestKeys.SOURCE, "s-earlier",
                AnswerRestKeys.AT, Long.toString(Instant.now().toEpochMilli()), AnswerRestKeys.NOTE, NOTE,
                AnswerRestKeys.TTL, "3600000", AnswerRestKeys.NEXT, "1", AnswerRestKeys.PARTS, Integer.toString(parts.length)));
        for (int i = 0; i < parts.length; i++) {
            fields.put(AnswerRestKeys.part(i + 1), parts[i]);
        }
        redis.hset(key, fields);
        redis.pexpire(key, 3_600_000);
        return key;
    }

    private static String replyTo(MessageAccepted message) {
        WorkerTestSupport.send(PREFIX + ".accepted", message);
        return CHUNKS.awaitReply(message).text();
    }

    private static MessageAccepted single(String userId, String text) {
        return WorkerTestSupport.text(userId, text);
    }

    private static MessageAccepted group(String chatId, String userId, String text) {
        String msgId = "msg-" + UUID.randomUUID();
        var single = Events.text(msgId, userId, text);
        var body = single.body().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) body).put("chattype", "group").put("chatid", chatId);
        var message = new InboundMessage(msgId, "text", null, ChatType.GROUP, chatId, userId, single.responseUrl(), body);
        Instant now = Instant.now();
        return new MessageAccepted(new EventMeta(UUID.randomUUID(), WorkerTestSupport.traceIdOf(msgId), now), BOT,
                StreamIds.of(BOT, msgId), ConversationKeys.of(BOT, chatId, userId, true), message, now,
                new Decision("accept", "test"));
    }

    /** Chat requests of a Dify user: a single chat's user, or {@code g:{chatId}} for a group. */
    private static int difyCallsOf(String userOrGroup) {
        String difyUser = ConversationKeys.difyUser(BOT, userOrGroup);
        return (int) DIFY.chatRequests().stream().filter(request -> difyUser.equals(request.user())).count();
    }

    private static double continuations(String outcome) {
        Counter counter = worker.getBean(MeterRegistry.class).find("relay.worker.continuations").tag("bot", BOT)
                .tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
