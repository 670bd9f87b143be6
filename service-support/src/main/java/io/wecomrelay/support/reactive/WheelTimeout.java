package io.wecomrelay.support.reactive;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.util.Timer;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Bounds a Mono by a timeout on a hashed wheel (Lettuce's command timer): what Reactor's {@code timeout} does, for a
 * call made several times per answer. Reactor's operator set each bound on the {@code parallel} scheduler's queue
 * (a lock, and a wake-up of its thread when the bound became the earliest), cancelled it from Lettuce's I/O thread
 * (the lock again), and named the bound by walking the operator chain on every subscription: together the largest
 * avoidable share of a preview's fold in the worker's profile. On the wheel, setting and cancelling a timeout are
 * queue operations and the wheel's thread ticks anyway (every 100 ms, so a bound fires up to a tick late).
 * <p>
 * When the bound passes first, the Mono fails with a {@link TimeoutException} on the wheel's thread and the call is
 * cancelled; a cancel from downstream cancels both.
 */
public final class WheelTimeout {

    private WheelTimeout() {
    }

    public static <T> Mono<T> bound(Mono<T> call, Timer wheel, Duration timeout) {
        long millis = timeout.toMillis();
        return Mono.create(sink -> {
            var subscription = Disposables.swap();
            // the sink's end, whichever comes first, cancels the other side (onDispose)
            var bound = wheel.newTimeout(expired -> sink.error(new TimeoutException("no answer within " + millis + " ms")),
                    millis, TimeUnit.MILLISECONDS);
            sink.onDispose(() -> {
                bound.cancel();
                subscription.dispose();
            });
            subscription.update(call.subscribe(sink::success, sink::error, sink::success,
                    Context.of(sink.contextView())));
        });
    }
}
