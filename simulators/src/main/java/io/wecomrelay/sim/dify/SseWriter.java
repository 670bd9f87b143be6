package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Writes a script as a {@code text/event-stream} response: headers at once, then every frame
 * flushed on its own (no batching, like Dify behind an unbuffered nginx), ending early when the
 * task is stopped or the client leaves.
 */
final class SseWriter {

    private static final byte[] EVENT_FIELD = "\"event\":\"".getBytes(StandardCharsets.US_ASCII);

    private final ActiveStreams streams;
    private final BoundedLog<RecordedFrame> sent;
    private final Clock clock;

    SseWriter(ActiveStreams streams, BoundedLog<RecordedFrame> sent, Clock clock) {
        this.streams = streams;
        this.sent = sent;
        this.clock = clock;
    }

    Mono<Void> write(HttpServerResponse response, ChatTask task, StreamScript script) {
        var connection = new AtomicReference<Connection>();
        response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .withConnection(connection::set);
        var stream = streams.open(task.taskId(), task.apiKey(), task.user(), task.mode(), connection.get());
        var index = new AtomicInteger();
        // frames are timed on the connection's own event loop, where the write then happens at once: a frame
        // scheduled by the script's timer but not yet written (the simulator's loop busy) is not yet sent
        var loop = connection.get() == null ? Schedulers.immediate()
                : Schedulers.fromExecutor(connection.get().channel().eventLoop());
        var frames = script.frames()
                .takeUntilOther(stream.interrupted())
                .concatWith(Flux.defer(() -> stream.interruption() == ActiveStreams.Interruption.STOPPED
                        ? script.afterStop()
                        : Flux.empty()))
                .publishOn(loop, 1)
                .doOnNext(frame -> sent.add(new RecordedFrame(task.taskId(), index.getAndIncrement(), event(frame),
                        clock.instant())))
                .map(Unpooled::wrappedBuffer);
        return response.sendHeaders().then()
                .then(Mono.defer(() -> response.send(frames, buffer -> true).then()))
                .doFinally(signal -> streams.release(stream));
    }

    /** The frame's event name, found without parsing: the encoder writes compact JSON. */
    static String event(byte[] frame) {
        if (frame.length > 0 && frame[0] == 'e') {
            return "ping";
        }
        int at = indexOf(frame, EVENT_FIELD);
        if (at < 0) {
            return "";
        }
        int start = at + EVENT_FIELD.length;
        int end = start;
        while (end < frame.length && frame[end] != '"') {
            end++;
        }
        return new String(frame, start, end - start, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Who owns a stream: only this app key and user may stop it (any user of the key, for a workflow run). */
    record ChatTask(String taskId, String apiKey, String user, AppMode mode) {

        ChatTask(String taskId, String apiKey, String user) {
            this(taskId, apiKey, user, AppMode.CHAT);
        }
    }
}
