package io.wecomrelay.llm.state;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.stream.AnswerRestKeys;
import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.redis.LuaScripts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Takes the next part of a long answer's rest the responder kept ({@link AnswerRestKeys}) for a continue word.
 * One script does it ({@link AnswerRestKeys#TAKE_SCRIPT}), so two deliveries of the message, or two instances, never
 * both take a part; the part taken is kept under the message's stream id for the ledger's TTL, so a redo of the
 * message (a later attempt) shows the same text and takes nothing more. Only the asker takes the rest: another user's continue word, like a
 * conversation without a kept rest, is a question for Dify.
 */
public final class AnswerRests {

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TAKE_SCRIPT = LuaScripts.load(AnswerRestKeys.TAKE_SCRIPT, List.class);

    /**
     * What a continue word got.
     *
     * @param outcome {@code taken} (a part, more is left), {@code last} (the last part), {@code redo} (the part an
     *                earlier attempt of the message took), {@code none} (no rest kept, or all of it taken) or {@code other_user} (kept
     *                for another user)
     * @param text    the part to show, with the continue-word note when more is left; null for none
     */
    public record Taken(String outcome, @Nullable String text) {

        // the answer stays out of logs
        @Override
        public String toString() {
            return "Taken[outcome=" + outcome + ", text=" + (text == null ? "none" : "<" + text.length() + " chars>") + "]";
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final Duration takenTtl;
    private final WheelBound timeout;

    /** @param takenTtl the ledger's TTL: as long as a redo of the message can come */
    public AnswerRests(ReactiveStringRedisTemplate redis, Duration takenTtl, WheelBound timeout) {
        this.redis = redis;
        this.takenTtl = takenTtl;
        this.timeout = timeout;
    }

    /** The next part of the rest kept for the message's asker in its conversation. */
    public Mono<Taken> take(MessageAccepted message) {
        var keys = List.of(AnswerRestKeys.key(message.botId(), message.conversationKey()),
                AnswerRestKeys.takenKey(message.streamId()));
        return redis.execute(TAKE_SCRIPT, keys, List.of(message.message().userId(), Long.toString(takenTtl.toMillis())))
                .next()
                .as(timeout::on)
                .map(reply -> {
                    String outcome = String.valueOf(reply.get(0));
                    String text = String.valueOf(reply.get(1));
                    return new Taken(outcome, outcome.equals("none") || outcome.equals("other_user") ? null : text);
                });
    }
}
