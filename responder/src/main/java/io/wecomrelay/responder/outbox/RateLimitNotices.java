package io.wecomrelay.responder.outbox;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.redis.LuaScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * At most one rate-limit notice per bot and window. A bot flooded with messages gets one
 * {@code RATE_LIMITED} rejection per message over its limit; delivered actively, each would be a chat
 * message of its own, queued behind and paced with the real replies, so a flood would fill the outbox
 * with "slow down" and delay every answer. The first notice of a window takes the bot's key
 * {@code {prefix}notice:{botId}} for the window, like a lease ({@code leases.lua} with the one key, holder = its stream id,
 * so a retried record of the same notice still gets its ticket); the others of that window are not queued
 * (their streams still finish with the rejection text, and the rejection stays on {@code wecom.rejected}).
 */
public final class RateLimitNotices {

    private static final Logger log = LoggerFactory.getLogger(RateLimitNotices.class);
    // the delivery leases' script, with one key
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TAKE = LuaScripts.load("io/wecomrelay/responder/outbox/leases.lua", List.class);

    private final ReactiveStringRedisTemplate redis;
    private final OutboxKeys keys;
    private final Duration window;
    private final MeterRegistry meters;

    public RateLimitNotices(ReactiveStringRedisTemplate redis, OutboxKeys keys, Duration window, MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.window = window;
        this.meters = meters;
    }

    static boolean isNotice(RelayEvent source) {
        return source instanceof MessageRejected rejection && rejection.reason() == RejectReason.RATE_LIMITED;
    }

    /**
     * Whether this notice is the bot's first of the window. Blocks: called on the rejection listener's
     * thread, like the fold that follows; a Redis error fails the record, which is retried.
     */
    boolean mayQueue(String botId, String streamId) {
        List<?> taken = redis.execute(TAKE, List.of(keys.notice(botId)), List.of(streamId, Long.toString(window.toMillis())))
                .next().block();
        boolean first = taken != null && !taken.isEmpty() && taken.get(0) instanceof Number held && held.longValue() == 1L;
        if (!first) {
            meters.counter("relay.responder.outbox.notices.suppressed", "bot", botId).increment();
            log.info("rate-limit notice not queued, one went out within {} botId={} streamId={}", window, botId, streamId);
        }
        return first;
    }
}
