package io.wecomrelay.llm.state;

import java.time.Duration;

import reactor.core.publisher.Mono;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The Dify conversation of each conversation key: {@code llm:conversation:{conversationKey}} →
 * Dify {@code conversation_id}. The TTL is renewed on every use, so a conversation is forgotten only
 * after it has been idle for the TTL.
 */
public final class ConversationStore {

    static final String PREFIX = "llm:conversation:";

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final Duration timeout;

    public ConversationStore(ReactiveStringRedisTemplate redis, Duration ttl, Duration timeout) {
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    /** The stored conversation id, renewing its TTL; empty when there is none. */
    public Mono<String> find(String conversationKey) {
        return redis.opsForValue().getAndExpire(PREFIX + conversationKey, ttl).timeout(timeout);
    }

    public Mono<Void> save(String conversationKey, String conversationId) {
        return redis.opsForValue().set(PREFIX + conversationKey, conversationId, ttl).timeout(timeout).then();
    }

    /** Forgets the conversation: the next message starts a new one. */
    public Mono<Void> forget(String conversationKey) {
        return redis.delete(PREFIX + conversationKey).timeout(timeout).then();
    }
}
