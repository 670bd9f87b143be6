package io.wecomrelay.support.reactive;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.util.Timer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * Bounds a Mono by a timeout on a hashed wheel (Lettuce's command timer): what Reactor's {@code timeout} does, for a
 * call made several times per answer. Reactor's operator set each bound on the {@code parallel} scheduler's queue
 * (a lock, and a wake-up of its thread when the bound became the earliest), cancelled it from Lettuce's I/O thread
 * (the lock again), and named the bound by walking the operator chain on every subscription: together the largest
 * avoidable share of a preview's fold in the worker's profile. On the wheel, setting and cancelling a timeout are
 * queue operations and the wheel's thread ticks anyway (every 100 ms, so a bound fires up to a tick late).
 * <p>
 * When the bound passes first, the Mono fails with a {@link TimeoutException} and the call is cancelled; a cancel from
 * downstream cancels both. The failure comes on the wheel's thread, or on {@code failOn} for a caller whose failure
 * path does real work ({@link WheelBound}).
 */
public final class WheelTimeout {

    private WheelTimeout() {
    }

    /** Fails on the wheel's thread: for a failure path as light as a timer task (count and drop). */
    public static <T> Mono<T> bound(Mono<T> call, Timer wheel, Duration timeout) {
        return bounded(call, wheel, timeout, null);
    }

    /**
     * Fails on {@code failOn}: the wheel's one thread also times out Lettuce's own commands (which Lettuce, too, fails
     * on other threads). Only a bound that fires costs that hop.
     */
    public static <T> Mono<T> bound(Mono<T> call, Timer wheel, Duration timeout, Scheduler failOn) {
        return bounded(call, wheel, timeout, failOn);
    }

    private static <T> Mono<T> bounded(Mono<T> call, Timer wheel, Duration timeout, @Nullable Scheduler failOn) {
        long millis = timeout.toMillis();
        return Mono.create(sink -> {
            var subscription = Disposables.swap();
            // the sink's end, whichever comes first, cancels the other side (onDispose); a failure that comes after
            // the call's answer (or the caller's cancel) is dropped by the sink. A bound that fires cancels the call
            // before its failure goes out, so whoever sees the TimeoutException sees a call that no longer runs.
            var bound = wheel.newTimeout(expired -> {
                subscription.dispose();
                fail(sink, millis, failOn);
            }, millis, TimeUnit.MILLISECONDS);
            sink.onDispose(() -> {
                bound.cancel();
                subscription.dispose();
            });
            subscription.update(call.subscribe(sink::success, sink::error, sink::success,
                    Context.of(sink.contextView())));
        });
    }

    private static void fail(MonoSink<?> sink, long millis, @Nullable Scheduler failOn) {
        Runnable timedOut = () -> sink.error(new TimeoutException("no answer within " + millis + " ms"));
        if (failOn == null) {
            timedOut.run();
            return;
        }
        try {
            failOn.schedule(timedOut);
        } catch (RejectedExecutionException e) {
            // the scheduler is shut down (the service is stopping): fail here rather than never
            timedOut.run();
        }
    }
}
