package io.wecomrelay.ingress.callback;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * Where a callback goes on once Kafka's sender, Lettuce's event loop or the timer wheel completed what it waited for:
 * the request's own Netty event loop. That loop writes the response anyway, so the write becomes inline instead of one
 * more hand-off, and no third thread is woken (Reactor's {@code parallel} was, once per callback). Without a Reactor
 * Netty connection under the request (another server, a mock request in a test) it is {@code parallel}.
 * <p>
 * A loop's scheduler is built once, by the loop's own thread, and kept in that thread's local: a thread runs one loop
 * for its life, and a request's handler runs on its connection's loop. Asked from any other thread, it is built anew.
 */
final class RequestLoop {

    private static final FastThreadLocal<OwnLoop> OWN = new FastThreadLocal<>();

    private RequestLoop() {
    }

    static Scheduler of(ServerRequest request) {
        return of(request.exchange().getRequest());
    }

    static Scheduler of(ServerHttpRequest request) {
        Object nativeRequest;
        try {
            nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        } catch (IllegalArgumentException | IllegalStateException noServerRequestUnderneath) {
            return Schedulers.parallel(); // a decorator around something else, or Spring's mock request
        }
        return ofNative(nativeRequest);
    }

    /** Reactor Netty's request is its connection ({@code HttpServerOperations}); the channel stays on one loop. */
    static Scheduler ofNative(Object nativeRequest) {
        if (!(nativeRequest instanceof Connection connection)) {
            return Schedulers.parallel();
        }
        EventLoop loop = connection.channel().eventLoop();
        if (!loop.inEventLoop()) {
            return scheduler(loop);
        }
        OwnLoop own = OWN.get();
        if (own == null || own.loop != loop) {
            own = new OwnLoop(loop, scheduler(loop));
            OWN.set(own);
        }
        return own.scheduler;
    }

    private static Scheduler scheduler(EventLoop loop) {
        // as a plain Executor: handed the EventLoop itself (an ExecutorService), Reactor would build a named service
        // scheduler, decorated by any scheduler hooks, submitting futures instead of executing tasks
        return Schedulers.fromExecutor(loop::execute);
    }

    /** The scheduler of the loop the current thread runs (a class, not a record: a live loop is not data to print). */
    private static final class OwnLoop {

        private final EventLoop loop;
        private final Scheduler scheduler;

        OwnLoop(EventLoop loop, Scheduler scheduler) {
            this.loop = loop;
            this.scheduler = scheduler;
        }
    }
}
