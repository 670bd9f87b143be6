package io.wecomrelay.connector.reply;

import java.time.Clock;
import java.time.Instant;

import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one stream's latest text on its bot's socket, never more than one unacknowledged frame at a time: a poke
 * while a frame is in flight only marks the stream dirty, and the ack reads the snapshot again and sends what is
 * new, so many chunks folded meanwhile become one frame. The text is always the full text so far (WeCom replaces
 * the bubble's content), so a lost frame or notice costs nothing once the next one goes out. The frames are a span of
 * the message's trace ({@link ReplyTraces}), and the pusher's lines carry it.
 */
final class StreamPusher {

    private static final Logger log = LoggerFactory.getLogger(StreamPusher.class);
    static final int STREAM_EXPIRED = 846608;

    private final String botId;
    private final OpenStream stream;
    private final String placeholder;
    private final BotSocket socket;
    private final Snapshots snapshots;
    private final ReplySettings settings;
    private final Clock clock;
    private final Runnable onDone;
    private final ReplyTraces.Trace trace;
    private @Nullable String sent;
    private @Nullable Instant lastFrameAt;
    private boolean inFlight;
    private boolean dirty;
    private boolean done;

    StreamPusher(String botId, OpenStream stream, String placeholder, BotSocket socket, Snapshots snapshots,
                 ReplySettings settings, Clock clock, Runnable onDone, ReplyTraces.Trace trace) {
        this.trace = trace;
        this.botId = botId;
        this.stream = stream;
        this.placeholder = placeholder;
        this.socket = socket;
        this.snapshots = snapshots;
        this.settings = settings;
        this.clock = clock;
        this.onDone = onDone;
    }

    OpenStream stream() {
        return stream;
    }

    /** A stream-changed notice: the reply's span starts with the first one ({@code traceparent} of its record). */
    void noticed(@Nullable String traceparent, @Nullable String traceId) {
        trace.noticed(botId, stream.streamId(), traceparent, traceId);
    }

    /** BotStreams lets the stream go unfinished (past its deadline): the span ends. */
    void letGo() {
        trace.ended("let_go");
    }

    /** Something may have changed: send the latest text unless a frame is in flight (then after its ack). */
    void poke() {
        synchronized (this) {
            if (done) {
                return;
            }
            if (inFlight) {
                dirty = true;
                return;
            }
            inFlight = true;
            dirty = false;
        }
        snapshots.read(botId, stream.streamId()).subscribe(this::push, error -> {
            try (var line = trace.log()) {
                log.warn("snapshot not read bot={} streamId={} cause={}", botId, stream.streamId(), error.toString());
            }
            settled();
        });
    }

    /** The socket is new (a reconnect, a new owner): the bubble gets its text again on it. */
    synchronized void resend() {
        sent = null;
    }

    /** The periodic look: keep-alive, the deadline, and a re-read when no frame went out for a while. */
    void tick() {
        Instant last;
        synchronized (this) {
            last = lastFrameAt;
        }
        if (last == null || !clock.instant().isBefore(last.plus(settings.recheck()))) {
            poke();
        }
    }

    private void push(Snapshot snapshot) {
        Instant now = clock.instant();
        Frame frame = next(snapshot, now);
        if (frame == null) {
            settled();
            return;
        }
        String json = Frames.stream(stream.reqId(), stream.streamId(), frame.content(), frame.finish());
        socket.send(Frames.RESPOND, stream.reqId(), json)
                .subscribe(errcode -> acked(frame, errcode, now), error -> {
                    log.debug("frame not acknowledged bot={} streamId={} cause={}", botId, stream.streamId(), error.getMessage());
                    settled();
                });
    }

    /** The frame to send now, or null when the bubble already shows the latest text and needs no keep-alive. */
    private synchronized @Nullable Frame next(Snapshot snapshot, Instant now) {
        if (snapshot.finished()) {
            return new Frame(snapshot.content(), true);
        }
        if (!now.isBefore(stream.firstFrameAt().plus(settings.finishDeadline()))) {
            String content = snapshot.content().isEmpty() ? settings.overdueNote().strip()
                    : ContentLimit.withNote(snapshot.content(), settings.overdueNote());
            try (var line = trace.log()) {
                log.warn("stream finished at the deadline bot={} streamId={}", botId, stream.streamId());
            }
            return new Frame(content, true);
        }
        String content = snapshot.content().isEmpty() ? placeholder : snapshot.content();
        boolean keepAlive = lastFrameAt != null && !now.isBefore(lastFrameAt.plus(settings.keepAlive()));
        return sent == null || !content.equals(sent) || keepAlive ? new Frame(content, false) : null;
    }

    private void acked(Frame frame, int errcode, Instant sentAt) {
        boolean ended;
        synchronized (this) {
            if (errcode == 0) {
                trace.frameSent();
                sent = frame.content();
                lastFrameAt = sentAt;
                done = frame.finish();
            } else if (errcode == STREAM_EXPIRED) {
                try (var line = trace.log()) {
                    log.warn("WeCom says the stream expired bot={} streamId={}", botId, stream.streamId());
                }
                done = true;
            }
            ended = done;
        }
        if (ended) {
            // what the stream's end logs (and what follows the finish) is in its span
            try (var line = trace.log()) {
                onDone.run();
            }
            trace.ended(errcode == 0 ? "finished" : "expired");
        }
        settled();
    }

    /** The frame in flight is answered (or failed): the next poke may send; a poke meanwhile sends now. */
    private void settled() {
        boolean again;
        synchronized (this) {
            inFlight = false;
            again = dirty && !done;
        }
        if (again) {
            poke();
        }
    }

    synchronized boolean done() {
        return done;
    }

    private record Frame(String content, boolean finish) {
    }

    @Override
    public String toString() {
        return "StreamPusher[bot=" + botId + ", streamId=" + stream.streamId() + ", reqId=" + stream.reqId() + "]";
    }
}
