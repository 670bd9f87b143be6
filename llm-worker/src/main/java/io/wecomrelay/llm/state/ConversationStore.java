package io.wecomrelay.llm.state;

import java.time.Duration;

import io.wecomrelay.support.reactive.WheelBound;
import reactor.core.publisher.Mono;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The Dify conversation of each conversation key: {@code llm:conversation:{conversationKey}} →
 * Dify {@code conversation_id}. The TTL is renewed on every use, so a conversation is forgotten only
 * after it has been idle for the TTL. It is read, and its TTL renewed, by {@link StreamLedger#start}
 * in the round trip that starts a reply.
 */
public final class ConversationStore {

    static final String PREFIX = "llm:conversation:";

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final WheelBound timeout;

    public ConversationStore(ReactiveStringRedisTemplate redis, Duration ttl, WheelBound timeout) {
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public Mono<Void> save(String conversationKey, String conversationId) {
        return redis.opsForValue().set(PREFIX + conversationKey, conversationId, ttl).as(timeout::on).then();
    }

    /** How long a conversation is kept after its last use. */
    Duration ttl() {
        return ttl;
    }

    /** Forgets the conversation: the next message starts a new one. */
    public Mono<Void> forget(String conversationKey) {
        return redis.delete(PREFIX + conversationKey).as(timeout::on).then();
    }
}
