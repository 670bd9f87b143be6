package io.wecomrelay.connector.reply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.wecomrelay.connector.continuation.AfterFinish;
import io.wecomrelay.connector.socket.BotSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The open streams of one bot owned here, each with its {@link StreamPusher}. Streams opened by an earlier owner
 * (or before a reconnect) are loaded from {@link OpenStreams} on every subscribe and continued with their req_id.
 */
public final class BotStreams {

    private static final Logger log = LoggerFactory.getLogger(BotStreams.class);

    private final String botId;
    private final BotSocket socket;
    private final OpenStreams open;
    private final Snapshots snapshots;
    private final ReplySettings settings;
    private final AfterFinish afterFinish;
    private final Clock clock;
    private final ReplyTraces traces;
    private volatile String placeholder;
    private static final Duration ABANDON_AFTER_DEADLINE = Duration.ofMinutes(1);

    /** By stream id, then req_id: a notice names a stream, and a busy bot has hundreds open. */
    private final Map<String, Map<String, StreamPusher>> pushers = new ConcurrentHashMap<>();
    /** req_ids finished here, by their stream's first frame; forgotten once WeCom would refuse them anyway. */
    private final Map<String, Instant> finished = new ConcurrentHashMap<>();

    public BotStreams(String botId, String placeholder, BotSocket socket, OpenStreams open, Snapshots snapshots,
                      ReplySettings settings, AfterFinish afterFinish, Clock clock, ReplyTraces traces) {
        this.traces = traces;
        this.botId = botId;
        this.placeholder = placeholder;
        this.socket = socket;
        this.open = open;
        this.snapshots = snapshots;
        this.settings = settings;
        this.afterFinish = afterFinish;
        this.clock = clock;
    }

    /** The bot's placeholder from a reloaded bots file, for streams opened from now on. */
    public void placeholder(String text) {
        this.placeholder = text;
    }

    /**
     * A new message's stream: recorded in Redis first (so a new owner would continue it), then its first frame.
     * Completes with false when the message was open already (WeCom delivered the same msgid again, with a new
     * req_id): the stream keeps going on the first req_id and is pushed on the new one too, from its latest text, so
     * the req_id WeCom waits on is answered whichever delivery it shows.
     */
    public Mono<Boolean> start(OpenStream stream) {
        return open.open(botId, stream).flatMap(added -> {
            if (added) {
                push(stream, false);
                return Mono.just(true);
            }
            return open.repeat(botId, stream).doOnNext(repeated -> push(repeated, false)).thenReturn(false);
        });
    }

    /**
     * The responder folded something into the stream: every req_id it is pushed on. {@code traceparent} (the notice
     * record's, else its {@code traceId}) is the trace the stream's reply span continues.
     */
    public void changed(String streamId, @Nullable String traceparent, @Nullable String traceId) {
        Map<String, StreamPusher> matching = pushers.get(streamId);
        if (matching != null) {
            matching.values().forEach(pusher -> {
                pusher.noticed(traceparent, traceId);
                pusher.poke();
            });
            return;
        }
        // opened before this instance owned the bot, and not loaded yet
        open.all(botId).subscribe(streams -> streams.stream().filter(stream -> stream.streamId().equals(streamId))
                        .forEach(stream -> {
                            StreamPusher pusher = push(stream, false);
                            if (pusher != null) {
                                pusher.noticed(traceparent, traceId);
                            }
                        }),
                error -> log.warn("open stream not read bot={} streamId={} cause={}", botId, streamId, error.toString()));
    }

    /** Subscribed (again): every open stream, also those of an earlier owner, gets its latest text on this socket. */
    public void resume() {
        all().forEach(StreamPusher::resend);
        open.all(botId).subscribe(streams -> streams.forEach(stream -> push(stream, true)),
                error -> log.warn("open streams not read bot={} cause={}", botId, error.toString()));
        // and what an earlier owner (or this one before a reconnect) had not sent after a finish yet
        afterFinish.resume(botId, socket).subscribe();
    }

    /** Keep-alives, deadlines and re-reads; a stream WeCom no longer takes (past its limit) is let go. */
    public void tick() {
        var abandonAt = clock.instant().minus(settings.finishDeadline()).minus(ABANDON_AFTER_DEADLINE);
        finished.values().removeIf(at -> at.isBefore(abandonAt));
        all().forEach(pusher -> {
            if (pusher.stream().firstFrameAt().isBefore(abandonAt)) {
                log.warn("stream let go unfinished bot={} streamId={}: no frame acknowledged past its deadline", botId,
                        pusher.stream().streamId());
                finished(pusher.stream());
                pusher.letGo();
            } else {
                pusher.tick();
            }
        });
    }

    public int size() {
        return (int) all().count();
    }

    /**
     * Pokes the stream's pusher (one per req_id: a stream pushed on a repeated delivery's req_id has a second one),
     * made on first use; none for a req_id finished here already, which a read of the open streams from before its
     * finish (a resume, a notice of a stream not loaded yet) may still list: its finish would go out twice.
     */
    private @Nullable StreamPusher push(OpenStream stream, boolean resend) {
        var made = new AtomicReference<StreamPusher>();
        // per stream id atomically, with finished(): a pusher is never added to a map that is being dropped
        pushers.compute(stream.streamId(), (id, byReqId) -> {
            Map<String, StreamPusher> map = byReqId == null ? new ConcurrentHashMap<>() : byReqId;
            StreamPusher pusher = map.get(stream.reqId());
            if (pusher == null && !finished.containsKey(stream.reqId())) {
                pusher = new StreamPusher(botId, stream, placeholder, socket, snapshots, settings, clock, () -> finished(stream),
                        traces.trace());
                map.put(stream.reqId(), pusher);
            }
            made.set(pusher);
            return map.isEmpty() ? null : map;
        });
        StreamPusher pusher = made.get();
        if (pusher != null) {
            if (resend) {
                pusher.resend();
            }
            pusher.poke();
        }
        return pusher;
    }

    private Stream<StreamPusher> all() {
        return pushers.values().stream().flatMap(byReqId -> byReqId.values().stream());
    }

    private void finished(OpenStream stream) {
        finished.put(stream.reqId(), stream.firstFrameAt());
        pushers.computeIfPresent(stream.streamId(), (id, byReqId) -> {
            byReqId.remove(stream.reqId());
            return byReqId.isEmpty() ? null : byReqId;
        });
        log.info("stream finished on the long connection bot={} streamId={} reqId={}", botId, stream.streamId(), stream.reqId());
        // after the finish frame: the rest of a long answer, then its images, on the same req_id, once per stream;
        // claimed before the stream leaves the open set, so that a new owner finds one or the other
        afterFinish.follow(botId, socket, stream.streamId(), stream.reqId())
                .then(open.close(botId, stream))
                .subscribe(null, error -> log.warn("open stream not removed bot={} streamId={} cause={}", botId,
                        stream.streamId(), error.toString()));
    }
}
