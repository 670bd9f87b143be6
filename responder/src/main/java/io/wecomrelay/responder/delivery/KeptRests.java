package io.wecomrelay.responder.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.AnswerRestKeys;
import io.wecomrelay.schemas.text.ContentCap;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.support.redis.LuaScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * "Rest on request" (issue 19): a streaming bot of URL callbacks has its stream and the message's one response_url
 * message for an answer; what does not fit in both is split into parts ({@link MarkdownSplitter}, room left for the
 * continue-word note) and kept in Redis ({@link AnswerRestKeys}) until the asker sends a continue word, which the
 * llm-worker answers with the next part. Only answers longer than the stream get here (the outbox job of the rest),
 * so folds of answers that fit do no Redis work for it.
 */
public final class KeptRests {

    /** The bot's first continue word in {@link Settings#note}. */
    public static final String WORD = "{word}";
    /** The default of {@code relay.responder.stream.continue-word-note}. */
    public static final String DEFAULT_NOTE = "\n\n（回复“" + WORD + "”查看剩余内容 / reply “" + WORD + "” for the rest）";

    private static final Logger log = LoggerFactory.getLogger(KeptRests.class);
    private static final RedisScript<Long> KEEP = LuaScripts.load(AnswerRestKeys.KEEP_SCRIPT, Long.class);

    /**
     * @param note ends a message after which more is kept; {@value #WORD} stands for the bot's first continue word
     * @param ttl  how long a kept rest waits for the user (refreshed whenever a part is taken)
     */
    public record Settings(String note, Duration ttl) {
        public Settings {
            Objects.requireNonNull(note, "note");
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /**
     * A rest too long for one message: the first part, shown by the response_url message with the note, and all
     * parts (the first one included, to keep again should that message fail for good).
     */
    public record Split(String shown, List<String> parts) {

        /** What is kept while the first part goes out. */
        public List<String> afterShown() {
            return parts.subList(1, parts.size());
        }

        // the answer stays out of logs
        @Override
        public String toString() {
            return "Split[parts=" + parts.size() + "]";
        }
    }

    private final ReactiveStringRedisTemplate redis;
    private final Settings settings;
    private final MeterRegistry meters;

    public KeptRests(ReactiveStringRedisTemplate redis, Settings settings, MeterRegistry meters) {
        this.redis = redis;
        this.settings = settings;
        this.meters = meters;
    }

    /** The rest split for a message of at most {@code maxBytes} bytes each, notes included. */
    public Split split(BotConfig bot, String rest, int maxBytes) {
        String note = note(bot);
        List<String> parts = MarkdownSplitter.split(rest, maxBytes - ContentCap.utf8Length(note));
        return new Split(parts.get(0) + note, parts);
    }

    /**
     * Keeps {@code parts} for the asker of {@code source}'s message, replacing an older answer's rest of the same
     * conversation; a redo of the job keeps nothing again. With {@code lost} (the response_url message that showed
     * the first of {@code parts} failed for good; pass all of them) the first part goes in front of what the user has
     * not taken yet of this answer's rest, or, with none kept, all of them ({@link AnswerRestKeys#KEEP_SCRIPT}).
     *
     * @return how many parts are kept now, 0 when nothing was (a redo of the job, a newer answer's rest)
     */
    public Mono<Integer> keep(BotConfig bot, ReplyChunk source, String userId, List<String> parts, boolean lost) {
        if (parts.isEmpty()) {
            return Mono.just(0);
        }
        List<String> args = new ArrayList<>(List.of(userId, source.streamId(),
                Long.toString(source.messageReceivedAt().toEpochMilli()), note(bot), Long.toString(settings.ttl().toMillis()),
                lost ? "lost" : "keep"));
        args.addAll(parts);
        return redis.execute(KEEP, List.of(AnswerRestKeys.key(bot.id(), source.conversationKey())), args)
                .next()
                .map(Long::intValue)
                .doOnNext(kept -> {
                    if (kept > 0) {
                        // what the script kept: with lost, the lost part and the ones still untaken, not the caller's
                        log.info("rest of a long answer kept botId={} streamId={} parts={} lost={}", bot.id(),
                                source.streamId(), kept, lost);
                        Counter.builder("relay.responder.rests.kept")
                                .description("Rests of long answers kept for the user to ask for with a continue word")
                                .tag("bot", bot.id()).register(meters).increment();
                    }
                })
                .defaultIfEmpty(0);
    }

    private String note(BotConfig bot) {
        return settings.note().replace(WORD, bot.continueWords().get(0));
    }
}
