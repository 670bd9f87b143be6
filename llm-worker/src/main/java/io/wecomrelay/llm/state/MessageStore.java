package io.wecomrelay.llm.state;

import java.time.Duration;
import java.util.Objects;

import reactor.core.publisher.Mono;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The Dify message behind each answered stream, for feedback: {@code llm:message:{streamId}} →
 * Dify {@code message_id} and the Dify {@code user} that received it (Dify accepts feedback only
 * from that user). WeCom's {@code feedback_event} names the stream id, which ingress sent as
 * {@code feedback.id}. A later attempt at the same stream overwrites the entry, as its answer is
 * the one the user sees.
 */
public final class MessageStore {

    static final String PREFIX = "llm:message:";

    /** A Dify message and its user. */
    public record DifyMessage(String messageId, String user) {
        public DifyMessage {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(user, "user");
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final Duration timeout;

    /** @param ttl how long feedback on an answer is possible */
    public MessageStore(ReactiveStringRedisTemplate redis, Duration ttl, Duration timeout) {
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public Mono<Void> save(String streamId, DifyMessage message) {
        // a message id is a UUID: the first newline separates it from the user, which may contain anything
        String value = message.messageId() + "\n" + message.user();
        return redis.opsForValue().set(PREFIX + streamId, value, ttl).timeout(timeout).then();
    }

    /** The message answered on {@code streamId}; empty when unknown or expired. */
    public Mono<DifyMessage> find(String streamId) {
        return redis.opsForValue().get(PREFIX + streamId)
                .timeout(timeout)
                .filter(value -> value.indexOf('\n') > 0)
                .map(value -> {
                    int newline = value.indexOf('\n');
                    return new DifyMessage(value.substring(0, newline), value.substring(newline + 1));
                });
    }
}
