package io.wecomrelay.llm.state;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.redis.LuaScripts;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Dify message behind each answered stream, for feedback: {@code llm:message:{streamId}} → JSON
 * {@code {"botId":..,"messageId":..,"user":..}}: the bot that answered, Dify's {@code message_id} and the
 * Dify {@code user} that received it (Dify accepts feedback only from that user). WeCom's
 * {@code feedback_event} names the stream id, which ingress sent as {@code feedback.id}; the owning bot lets
 * the feedback forwarder refuse a feedback that names another bot's stream. A later attempt at the same
 * stream overwrites the entry, as its answer is the one the user sees.
 */
public final class MessageStore {

    static final String PREFIX = "llm:message:";

    private static final RedisScript<Long> SAVE_ANSWER_SCRIPT = LuaScripts.load("io/wecomrelay/llm/state/save-answer.lua",
            Long.class);

    /** A Dify message, the bot whose answer it is, and its Dify user. */
    public record DifyMessage(String botId, String messageId, String user) {
        public DifyMessage {
            Objects.requireNonNull(botId, "botId");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(user, "user");
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final WheelBound timeout;

    /** @param ttl how long feedback on an answer is possible */
    public MessageStore(ReactiveStringRedisTemplate redis, Duration ttl, WheelBound timeout) {
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public Mono<Void> save(String streamId, DifyMessage message) {
        return Mono.fromCallable(() -> EventSerde.mapper().writeValueAsString(message))
                .flatMap(value -> redis.opsForValue().set(PREFIX + streamId, value, ttl))
                .as(timeout::on)
                .then();
    }

    /**
     * Saves the message and, in the same round trip (one script), the Dify conversation its answer continues or
     * began, as {@code conversations.save(conversationKey, conversationId)} would: the end of an answer writes both,
     * and one command costs the connection one write and one read instead of two each.
     */
    public Mono<Void> save(String streamId, DifyMessage message, ConversationStore conversations, String conversationKey,
                           String conversationId) {
        return Mono.fromCallable(() -> EventSerde.mapper().writeValueAsString(message))
                .flatMap(value -> redis.execute(SAVE_ANSWER_SCRIPT,
                        List.of(PREFIX + streamId, ConversationStore.PREFIX + conversationKey),
                        List.of(value, Long.toString(ttl.toMillis()), conversationId,
                                Long.toString(conversations.ttl().toMillis()))).next())
                .as(timeout::on)
                .then();
    }

    /**
     * The message answered on {@code streamId}; empty when unknown, expired, or stored without its bot (by a
     * worker before the owner was kept: whose it is cannot be told, so it is not used).
     */
    public Mono<DifyMessage> find(String streamId) {
        return redis.opsForValue().get(PREFIX + streamId)
                .as(timeout::on)
                .flatMap(MessageStore::parse);
    }

    private static Mono<DifyMessage> parse(String value) {
        try {
            return Mono.just(EventSerde.mapper().readValue(value, DifyMessage.class));
        } catch (JacksonException e) {
            return Mono.empty();
        }
    }
}
