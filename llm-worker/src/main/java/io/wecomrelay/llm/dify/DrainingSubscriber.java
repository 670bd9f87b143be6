package io.wecomrelay.llm.dify;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Reads one chat response for the caller's flux: passes its events on, at the caller's demand, up to the terminal
 * event, then completes the caller's flux and reads the rest of the body unseen. Reactor Netty closes a connection
 * whose response was cancelled before its end, and Dify sends the end of the chunked body just after the terminal
 * event: cancelling there cost every answer a new TCP (and TLS) handshake. A body that has not ended
 * {@code drainTimeout} after the terminal event is cancelled, closing its connection. A cancel by the caller before
 * the terminal event (stop, idle, deadline, shutdown) still cancels the body at once; one from the terminal event on
 * (the reply cancels while it handles that event) leaves the body draining. The rest of the body goes through the same bounded decoder, its events dropped.
 * <p>
 * The drain's timer runs on the connection's own event loop, the thread that delivers the terminal event and the
 * body's end: setting and cancelling it there are queue operations on that thread, where a timer on another
 * scheduler cost every answer a cross-thread wake-up (only a client on another connector, which has no such loop, has
 * its timer on Reactor's parallel scheduler). Each drain is counted ({@link DrainMetrics}).
 */
final class DrainingSubscriber extends BaseSubscriber<DifyEvent> {

    private static final Logger log = LoggerFactory.getLogger(DrainingSubscriber.class);

    private final FluxSink<DifyEvent> caller;
    private final StreamOutcome outcome;
    private final Duration drainTimeout;
    private final Context context;
    private final DrainMetrics drains;
    /**
     * Set by the body's signals (one at a time) before the terminal event is passed on; read by the caller's cancel,
     * which may come on another thread.
     */
    private volatile boolean draining;
    private @Nullable Disposable timer;
    /** Set when the request is written, on that loop, before any of the body's signals. */
    private volatile @Nullable EventLoop loop;

    DrainingSubscriber(FluxSink<DifyEvent> caller, StreamOutcome outcome, Duration drainTimeout, DrainMetrics drains) {
        this.caller = caller;
        this.outcome = outcome;
        this.drainTimeout = drainTimeout;
        this.drains = drains;
        this.context = Context.of(caller.contextView());
    }

    /** The event loop of the connection the request went out on: the drain's timer is set there. */
    void connectedOn(EventLoop connectionLoop) {
        this.loop = connectionLoop;
    }

    @Override
    public Context currentContext() {
        // the tracing filter and the retries' log lines read the reply's context
        return context;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        // nothing yet: the caller's demand is passed on as it comes (onRequest)
    }

    @Override
    protected void hookOnNext(DifyEvent event) {
        if (draining) {
            return;
        }
        // the terminal event is noted before it is passed on: the request's span tells how the stream ended
        boolean ends = outcome.ends(event);
        // before passing it on: the reply cancels while it handles the terminal event (ReplySession.finish), and that
        // cancel must not reach the body
        draining = ends;
        caller.next(event);
        if (ends) {
            caller.complete();
            timer = startTimer();
            request(Long.MAX_VALUE);
        }
    }

    @Override
    protected void hookOnComplete() {
        if (draining) {
            stopTimer();
            drains.completed();
        } else {
            caller.complete();
        }
    }

    @Override
    protected void hookOnError(Throwable error) {
        if (draining) {
            stopTimer();
            drains.failed();
            log.debug("dify response failed after its terminal event cause={}", error.getClass().getSimpleName());
        } else {
            caller.error(error);
        }
    }

    /** The caller's cancel: reaches the body only while the stream is still running (stop, idle, deadline). */
    void callerCancelled() {
        if (!draining) {
            cancel();
        }
    }

    private Disposable startTimer() {
        var connectionLoop = loop;
        if (connectionLoop == null) {
            // a WebClient on another connector (DifyClient takes any; the worker's is Reactor Netty's): the bound still
            // holds, at a wake-up's price
            return Schedulers.parallel().schedule(this::timedOut, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        var pending = connectionLoop.schedule(this::timedOut, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return () -> pending.cancel(false);
    }

    private void stopTimer() {
        var pending = timer;
        if (pending != null) {
            pending.dispose();
        }
    }

    private void timedOut() {
        if (isDisposed()) {
            // the body ended as the timer fired: only the fallback timer, on another thread, can come this late
            return;
        }
        drains.timedOut();
        try (var trace = TraceLog.of(caller.contextView().getOrDefault(RelayTracing.CONTEXT_KEY, null))) {
            log.info("dify response not ended {} after its terminal event, connection closed", drainTimeout);
        }
        cancel();
    }
}
