package io.wecomrelay.llm.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.support.outage.TransientFailures;
import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.redis.LuaScripts;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Per-stream bookkeeping in Redis, shared by all workers:
 * <ul>
 * <li>{@code llm:attempt:{streamId}}: a counter incremented each time a worker starts the stream,
 *     so a record redelivered after a crash gets attempt + 1 (and the responder replaces the partial
 *     text of the lower attempt);</li>
 * <li>{@code llm:done:{streamId}}: set once the last chunk of an attempt is acknowledged by Kafka,
 *     holding that attempt; a redelivered record whose stream is done is not regenerated.</li>
 * </ul>
 * Both expire after the ledger TTL, well after WeCom's 6-minute window.
 * <p>
 * <b>The done marker and crashes.</b> The marker is what keeps a redelivered record from calling Dify a
 * second time, and records are redelivered when a worker dies (every record it had not committed,
 * including finished ones behind a slower record of their partition). So {@link #markDone} waits out a
 * Redis outage instead of giving up, and the record is committed only after it; and a start also counts
 * the stream as done when the responder already folded its last chunk ({@code finish} of
 * {@code stream:{streamId}}, see {@link StreamStateKeys}): that covers a worker that died while Redis was
 * down after the last chunk was in Kafka, once the responder has caught up. The window left: a redo whose
 * start runs after Redis returned but before the responder folded that last chunk calls Dify again (the
 * redo's chunks, attempt + 1, replace the first answer).
 * <p>
 * Starting an attempt is one atomic script ({@link #start}) that also reads the conversation the
 * reply continues: the start of every reply used to be four sequential round trips (EXISTS, INCR,
 * EXPIRE, GETEX), each of which could time out under load and send the whole reply back to the
 * consumer's back-off. The script touches keys of different hash slots, like the responder's
 * scripts: Redis Cluster is not supported.
 */
public final class StreamLedger {

    private static final Logger log = LoggerFactory.getLogger(StreamLedger.class);

    static final String ATTEMPT_PREFIX = "llm:attempt:";
    static final String DONE_PREFIX = "llm:done:";

    /*
     * The reply is "0" when the stream is done (nothing changed), else the attempt, followed by a newline and
     * the conversation id when one was asked for and exists. One string rather than a multi-bulk reply: an
     * attempt has no newline, so the first newline splits it off whatever the conversation id contains.
     */
    private static final RedisScript<String> START_SCRIPT = LuaScripts.load("io/wecomrelay/llm/state/start.lua",
            String.class);

    /**
     * How a start went.
     *
     * @param attempt        the attempt number taken (1 the first time, then 2, 3, ...); 0 when an
     *                       earlier attempt already finished the stream and nothing was taken
     * @param conversationId the conversation to continue, when one was asked for and is known
     */
    public record Start(int attempt, @Nullable String conversationId) {

        static final Start DONE = new Start(0, null);

        /** True when an attempt of this stream already published its last chunk: do not regenerate it. */
        public boolean done() {
            return attempt == 0;
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final Duration conversationTtl;
    private final WheelBound timeout;
    private final Duration firstRetry;
    private final Duration maxRetry;

    /**
     * @param ttl             lifetime of the attempt counter and finished marker
     * @param conversationTtl the TTL a conversation read by {@link #start} gets again (as {@link ConversationStore})
     * @param timeout         longest wait for one Redis call (on Lettuce's timer wheel)
     * @param firstRetry      wait before writing the done marker again while Redis is unavailable; doubles
     * @param maxRetry        longest such wait
     */
    public StreamLedger(ReactiveStringRedisTemplate redis, Duration ttl, Duration conversationTtl, WheelBound timeout,
                        Duration firstRetry, Duration maxRetry) {
        this.redis = redis;
        this.ttl = ttl;
        this.conversationTtl = conversationTtl;
        this.timeout = timeout;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /**
     * Starts an attempt at the stream in one round trip: unless the stream is done, takes the next
     * attempt number and, when {@code conversationKey} is given, reads that key's Dify conversation
     * and renews its TTL.
     * <p>
     * A call that times out may still have run in Redis: the redo then takes the next number, which
     * is harmless because nothing was published and Dify was not called for the number it burnt.
     */
    public Mono<Start> start(String streamId, @Nullable String conversationKey) {
        List<String> keys = new ArrayList<>(4);
        keys.add(DONE_PREFIX + streamId);
        keys.add(ATTEMPT_PREFIX + streamId);
        keys.add(StreamStateKeys.key(streamId));
        if (conversationKey != null) {
            keys.add(ConversationStore.PREFIX + conversationKey);
        }
        List<String> args = List.of(Long.toString(ttl.toMillis()), Long.toString(conversationTtl.toMillis()),
                StreamStateKeys.FINISH);
        return redis.execute(START_SCRIPT, keys, args)
                .next()
                .as(timeout::on)
                .map(StreamLedger::parse);
    }

    /**
     * Records that {@code attempt} finished the stream. While Redis is unavailable it tries again (doubling from
     * {@code firstRetry} up to {@code maxRetry}) until the marker is written, so that the record is not committed
     * without it; fails only for an error that would repeat.
     */
    public Mono<Void> markDone(String streamId, int attempt) {
        return Mono.deferContextual(context -> {
            String traceparent = context.getOrDefault(RelayTracing.CONTEXT_KEY, null);
            return Mono.defer(() -> redis.opsForValue().set(DONE_PREFIX + streamId, Integer.toString(attempt), ttl).as(timeout::on))
                    .retryWhen(Retry.backoff(Long.MAX_VALUE, firstRetry).maxBackoff(maxRetry)
                            .filter(TransientFailures::isTransient)
                            .doBeforeRetry(signal -> {
                                try (var trace = TraceLog.of(traceparent)) {
                                    log.warn("cannot mark stream done, Redis unavailable; trying again streamId={} retry={} "
                                            + "cause={}", streamId, signal.totalRetries() + 1,
                                            signal.failure().getClass().getSimpleName());
                                }
                            }));
        }).then();
    }

    private static Start parse(String reply) {
        int newline = reply.indexOf('\n');
        if (newline < 0) {
            int attempt = Integer.parseInt(reply);
            return attempt == 0 ? Start.DONE : new Start(attempt, null);
        }
        return new Start(Integer.parseInt(reply.substring(0, newline)), reply.substring(newline + 1));
    }
}
