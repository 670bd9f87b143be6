package io.wecomrelay.sim.dify;

import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Writes a script as a {@code text/event-stream} response: headers at once, then every frame
 * flushed on its own (no batching, like Dify behind an unbuffered nginx), ending early when the
 * task is stopped or the client leaves.
 */
final class SseWriter {

    private final ActiveStreams streams;

    SseWriter(ActiveStreams streams) {
        this.streams = streams;
    }

    Mono<Void> write(HttpServerResponse response, ChatTask task, StreamScript script) {
        var connection = new AtomicReference<Connection>();
        response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .withConnection(connection::set);
        var stream = streams.open(task.taskId(), task.apiKey(), task.user(), connection.get());
        var frames = script.frames()
                .takeUntilOther(stream.interrupted())
                .concatWith(Flux.defer(() -> stream.interruption() == ActiveStreams.Interruption.STOPPED
                        ? script.afterStop()
                        : Flux.empty()))
                .map(Unpooled::wrappedBuffer);
        return response.sendHeaders().then()
                .then(Mono.defer(() -> response.send(frames, buffer -> true).then()))
                .doFinally(signal -> streams.release(stream));
    }

    /** Who owns a stream: only this app key and user may stop it. */
    record ChatTask(String taskId, String apiKey, String user) {
    }
}
