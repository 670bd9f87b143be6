package io.wecomrelay.llm.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The writes at the end of an answer against a real Redis; every test uses its own stream and conversation. */
class MessageStoreTest {

    private static final Duration MESSAGE_TTL = Duration.ofDays(7);
    private static final Duration CONVERSATION_TTL = Duration.ofDays(2);

    private static LettuceConnectionFactory factory;
    private static ReactiveStringRedisTemplate redis;
    private static MessageStore messages;
    private static ConversationStore conversations;

    private final String streamId = "stream-" + UUID.randomUUID();
    private final String conversationKey = "bot:u:" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
        var timeout = TestWheel.bound(Duration.ofSeconds(5));
        messages = new MessageStore(redis, MESSAGE_TTL, timeout);
        conversations = new ConversationStore(redis, CONVERSATION_TTL, timeout);
    }

    @AfterAll
    static void close() {
        factory.destroy();
    }

    @Test
    void theMessageAndItsConversationAreSavedTogetherEachWithItsOwnTtl() {
        var message = new MessageStore.DifyMessage("bot", "msg-1", "user-1");

        messages.save(streamId, message, conversations, conversationKey, "conv-1").block();

        assertThat(messages.find(streamId).block()).isEqualTo(message);
        assertThat(redis.opsForValue().get(ConversationStore.PREFIX + conversationKey).block()).isEqualTo("conv-1");
        assertThat(redis.getExpire(MessageStore.PREFIX + streamId).block())
                .isBetween(MESSAGE_TTL.minusMinutes(1), MESSAGE_TTL);
        assertThat(redis.getExpire(ConversationStore.PREFIX + conversationKey).block())
                .isBetween(CONVERSATION_TTL.minusMinutes(1), CONVERSATION_TTL);
    }

    @Test
    void aLaterAnswerReplacesBoth() {
        messages.save(streamId, new MessageStore.DifyMessage("bot", "msg-1", "user-1"), conversations, conversationKey,
                "conv-1").block();
        var later = new MessageStore.DifyMessage("bot", "msg-2", "user-1");

        messages.save(streamId, later, conversations, conversationKey, "conv-2").block();

        assertThat(messages.find(streamId).block()).isEqualTo(later);
        assertThat(redis.opsForValue().get(ConversationStore.PREFIX + conversationKey).block()).isEqualTo("conv-2");
    }
}
