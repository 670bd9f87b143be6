package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.support.redis.LuaScripts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The outboxes and their leases in Redis: one Lua script per operation ({@code poll.lua},
 * {@code complete.lua}, {@code bury.lua}, {@code leases.lua}, {@code leave.lua}), each atomic, using
 * only Redis 6.2 stream commands (XADD, XREADGROUP, XACK, XDEL, XAUTOCLAIM, XPENDING, XGROUP).
 */
public final class RedisOutbox {

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> POLL = script("poll", List.class);
    private static final RedisScript<Long> COMPLETE = script("complete", Long.class);
    private static final RedisScript<Long> BURY = script("bury", Long.class);
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> LEASES = script("leases", List.class);
    private static final RedisScript<Long> LEAVE = script("leave", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;

    public RedisOutbox(ReactiveStringRedisTemplate redis, OutboxKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** What one poll found. */
    enum PollStatus { NOT_HOLDER, BLOCKED, EMPTY, ENTRIES }

    /**
     * @param claimed jobs moved from other consumers to this one by this poll
     * @param length  jobs in the outbox, {@code entries} included (only with {@link PollStatus#ENTRIES})
     * @param entries this consumer's jobs in id order (only with {@link PollStatus#ENTRIES})
     */
    record Poll(PollStatus status, long claimed, long length, List<OutboxEntry> entries) {
        Poll {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Reads the bot's outbox as {@code consumer}, which must hold the bot's lease: first claims jobs other
     * consumers left pending for at least {@code minIdle}; while others still have pending jobs, reads
     * nothing ({@link PollStatus#BLOCKED}), so that order is kept; then returns this consumer's pending
     * jobs, or else up to {@code batch} new ones.
     */
    Mono<Poll> poll(String botId, String consumer, Duration minIdle, int batch) {
        return redis.execute(POLL, List.of(keys.outbox(botId), keys.lease(botId)),
                        List.of(keys.group(), consumer, Long.toString(minIdle.toMillis()), Integer.toString(batch)))
                .next()
                .map(RedisOutbox::toPoll);
    }

    /**
     * Acknowledges and deletes a job whose outcome is recorded and notes the outcome in the stream's
     * delivery state. Emits false when the job is no longer this consumer's (another instance claimed
     * it after this one lost its lease); that instance will finish it.
     */
    Mono<Boolean> complete(String botId, String consumer, String jobId, String streamId, DeliveryOutcome outcome,
                           Duration stateTtl) {
        return redis.execute(COMPLETE, List.of(keys.outbox(botId), keys.state(streamId)), List.of(keys.group(), consumer,
                        jobId, outcome.name().toLowerCase(Locale.ROOT), Long.toString(stateTtl.toMillis())))
                .next()
                .map(done -> done == 1L);
    }

    /** Moves an unreadable job to the bot's dead-job stream, with the reason, and removes it from the outbox. */
    Mono<Void> bury(String botId, OutboxEntry entry, String reason) {
        List<String> args = new ArrayList<>(List.of(keys.group(), entry.id(), reason));
        entry.fields().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return redis.execute(BURY, List.of(keys.outbox(botId), keys.dead(botId)), args).then();
    }

    /**
     * Takes or renews the bots' leases for {@code ttl} in one call; emits, per bot in order, whether {@code consumer}
     * holds its lease.
     */
    Mono<List<Boolean>> leases(List<String> botIds, String consumer, Duration ttl) {
        return redis.execute(LEASES, botIds.stream().map(keys::lease).toList(), List.of(consumer,
                        Long.toString(ttl.toMillis())))
                .next()
                .map(held -> held.stream().map(one -> one instanceof Number number && number.longValue() == 1L).toList());
    }

    /** Releases the lease if held and removes the consumer from the group if it has no pending jobs. */
    Mono<Void> leave(String botId, String consumer) {
        return redis.execute(LEAVE, List.of(keys.outbox(botId), keys.lease(botId)), List.of(keys.group(), consumer)).then();
    }

    private static Poll toPoll(List<?> reply) {
        PollStatus status = PollStatus.valueOf(String.valueOf(reply.get(0)));
        long claimed = reply.get(1) instanceof Number number ? number.longValue() : 0;
        long length = reply.get(2) instanceof Number number ? number.longValue() : 0;
        List<OutboxEntry> entries = new ArrayList<>();
        for (int i = 3; i + 1 < reply.size(); i += 2) {
            entries.add(new OutboxEntry(String.valueOf(reply.get(i)), fields(reply.get(i + 1))));
        }
        return new Poll(status, claimed, length, entries);
    }

    private static Map<String, String> fields(@Nullable Object flat) {
        Map<String, String> fields = new HashMap<>();
        if (flat instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
            }
        }
        return fields;
    }

    private static <T> RedisScript<T> script(String name, Class<T> resultType) {
        return LuaScripts.load("io/wecomrelay/responder/outbox/" + name + ".lua", resultType);
    }
}
