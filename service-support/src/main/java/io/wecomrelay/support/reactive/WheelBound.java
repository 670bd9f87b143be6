package io.wecomrelay.support.reactive;

import java.time.Duration;

import io.netty.util.Timer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One timeout for many calls, set on a timer wheel ({@link WheelTimeout}): {@code call.as(bound::on)} where
 * {@code call.timeout(duration)} was. A bound that fires fails with the {@link java.util.concurrent.TimeoutException}
 * on Reactor's {@code parallel} scheduler, where Reactor's {@code timeout} failed, so whatever the caller does on
 * that failure runs where it ran before and never on the wheel's thread; a bound that passes never touches that
 * scheduler. It fires up to one tick of the wheel late (Lettuce's: 100 ms), which suits second-scale bounds.
 *
 * @param wheel   where the bounds are set: Lettuce's command timer ({@code ClientResources.timer()})
 * @param timeout how long one call may take
 */
public record WheelBound(Timer wheel, Duration timeout) {

    public <T> Mono<T> on(Mono<T> call) {
        return WheelTimeout.bound(call, wheel, timeout, Schedulers.parallel());
    }
}
