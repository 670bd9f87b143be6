package io.wecomrelay.sim.dify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ChannelFutureListener;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/** The SSE responses being written right now, by {@code task_id}, so stop and close can end them. */
final class ActiveStreams {

    /** Why a stream ended before its script did. */
    enum Interruption { STOPPED, DISCONNECTED }

    /** One open stream. It is interrupted at most once. */
    static final class Stream {
        private final String taskId;
        private final String apiKey;
        private final String user;
        private final AppMode mode;
        private final Connection connection;
        private final ChannelFutureListener onClose = future -> interrupt(Interruption.DISCONNECTED);
        private final Sinks.One<Interruption> signal = Sinks.one();
        private final AtomicReference<@Nullable Interruption> interruption = new AtomicReference<>();

        private Stream(String taskId, String apiKey, String user, AppMode mode, Connection connection) {
            this.taskId = taskId;
            this.apiKey = apiKey;
            this.user = user;
            this.mode = mode;
            this.connection = connection;
        }

        /** Emits once, when the stream is stopped or its client goes away. */
        Mono<Interruption> interrupted() {
            return signal.asMono();
        }

        /** How the stream was interrupted, or null if it was not. */
        @Nullable Interruption interruption() {
            return interruption.get();
        }

        boolean interrupt(Interruption why) {
            return interruption.compareAndSet(null, why) && signal.tryEmitValue(why).isSuccess();
        }
    }

    private final Map<String, Stream> byTaskId = new ConcurrentHashMap<>();

    Stream open(String taskId, String apiKey, String user, AppMode mode, Connection connection) {
        var stream = new Stream(taskId, apiKey, user, mode, connection);
        byTaskId.put(taskId, stream);
        // a client that goes away must free its slot even while the script is silent (SILENT_HANG)
        connection.channel().closeFuture().addListener(stream.onClose);
        return stream;
    }

    /** Idempotent. Removes the close listener so keep-alive connections do not pile them up. */
    void release(Stream stream) {
        if (byTaskId.remove(stream.taskId, stream)) {
            stream.connection.channel().closeFuture().removeListener(stream.onClose);
        }
    }

    /**
     * Dify's rule: only the app and user that started the task can stop it; otherwise a no-op. A workflow run's stop
     * does not check the user (Dify's {@code /workflows/tasks/{task_id}/stop}).
     */
    boolean stop(String taskId, String apiKey, String user) {
        var stream = byTaskId.get(taskId);
        return stream != null && stream.apiKey.equals(apiKey)
                && (stream.mode == AppMode.WORKFLOW || stream.user.equals(user))
                && stream.interrupt(Interruption.STOPPED);
    }

    int count() {
        return byTaskId.size();
    }

    /** Drops every open connection, as a crashing server would. */
    void disconnectAll() {
        byTaskId.values().forEach(stream -> stream.connection.dispose());
    }
}
