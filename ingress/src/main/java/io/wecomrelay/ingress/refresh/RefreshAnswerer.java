package io.wecomrelay.ingress.refresh;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.netty.util.Timer;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import io.wecomrelay.support.reactive.WheelTimeout;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Answers WeCom's refresh poll from Redis, on any ingress instance; a finishing frame also carries the images the
 * worker attached to the reply ({@link FinalFrameImages}).
 */
public final class RefreshAnswerer {

    private static final Logger log = LoggerFactory.getLogger(RefreshAnswerer.class);

    private final StreamStateReader states;
    private final StreamFrames frames;
    private final FinalFrameImages images;
    private final Clock clock;
    private final Duration redisTimeout;
    private final Timer wheel;

    /** @param wheel where the read's timeout is set: Lettuce's command timer ({@link WheelTimeout}) */
    public RefreshAnswerer(StreamStateReader states, StreamFrames frames, FinalFrameImages images, Clock clock,
                           Duration redisTimeout, Timer wheel) {
        this.states = states;
        this.frames = frames;
        this.images = images;
        this.clock = clock;
        this.redisTimeout = redisTimeout;
        this.wheel = wheel;
    }

    /**
     * The next frame, tagged with what Redis said (hit, pending, finished, unknown, foreign, unavailable). A stream
     * that is not recorded as {@code bot}'s is answered exactly like one Redis does not know: stream ids are not
     * secrets, so another bot's poll must learn nothing about it. Answers on {@code continuation}, the request's event
     * loop.
     */
    public Mono<Answer> refresh(BotConfig bot, String streamId, Scheduler continuation) {
        if (!StreamIds.isWellFormed(streamId)) {
            return Mono.just(answer(streamId, frames.unknown(), "unknown"));
        }
        return WheelTimeout.bound(states.read(streamId), wheel, redisTimeout)
                // Redis answers on Lettuce's only event-loop thread, a timeout fires on the wheel's: building, sealing
                // and writing the reply must not run there. They continue on the request's loop, which writes anyway.
                .publishOn(continuation)
                .flatMap(snapshot -> {
                    if (!snapshot.ownedBy(bot.id())) {
                        return Mono.just(notOwned(bot, streamId, snapshot));
                    }
                    StreamFrames.StreamFrame frame = frames.of(snapshot, bot.placeholder(), clock.instant());
                    String result = frame.finish() ? "finished" : snapshot.content().isEmpty() ? "pending" : "hit";
                    Answer answer = answer(streamId, frame, result);
                    if (!frame.finish() || snapshot.attached().isEmpty()) {
                        return Mono.just(answer);
                    }
                    // the final frame carries the attached images; their read continues where the state's did
                    return images.load(bot.id(), streamId, snapshot.attached(), snapshot.traceId(), continuation)
                            .map(loaded -> new Answer(answer.reply().withImages(loaded), result));
                })
                .defaultIfEmpty(answer(streamId, frames.unknown(), "unknown"))
                // the message's trace id is in the hash Redis did not give: the accepted line ties this streamId to it
                .onErrorResume(e -> {
                    log.warn("refresh without Redis bot={} streamId={} cause={}", bot.id(), streamId, e.getClass().getSimpleName());
                    return Mono.just(answer(streamId, frames.unavailable(bot.placeholder()), "unavailable"));
                });
    }

    private Answer notOwned(BotConfig bot, String streamId, StreamSnapshot snapshot) {
        if (snapshot.owner() == null) {
            return answer(streamId, frames.unknown(), "unknown");
        }
        try (var trace = TraceLog.ofTraceId(snapshot.traceId())) {
            log.warn("refresh of a stream of another bot answered as unknown bot={} streamId={}", bot.id(), streamId);
        }
        return answer(streamId, frames.unknown(), "foreign");
    }

    private static Answer answer(String streamId, StreamFrames.StreamFrame frame, String result) {
        String content = Utf8.truncate(frame.content(), StreamStateKeys.MAX_CONTENT_BYTES);
        // The final frame repeats the feedback id of the first, so the finished answer can be rated.
        String feedbackId = frame.finish() ? streamId : null;
        return new Answer(new StreamReply(streamId, frame.finish(), content, List.of(), feedbackId), result);
    }

    /** The reply and a metric tag describing where it came from. */
    public record Answer(StreamReply reply, String result) {
    }
}
