package io.wecomrelay.llm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.wecomrelay.support.reactive.WheelBound;

/**
 * A real timer wheel for the bounds the worker sets on Lettuce's: 10 ms ticks (Lettuce's are 100 ms), one daemon
 * thread for the whole test JVM, never stopped, so that test classes need not manage one each.
 */
public final class TestWheel {

    private static final Timer WHEEL = new HashedWheelTimer(new DefaultThreadFactory("test-wheel", true), 10,
            TimeUnit.MILLISECONDS);

    private TestWheel() {
    }

    public static Timer wheel() {
        return WHEEL;
    }

    /** {@code timeout} on the wheel, as the worker's configuration sets {@code ledger.redis-timeout}. */
    public static WheelBound bound(Duration timeout) {
        return new WheelBound(WHEEL, timeout);
    }
}
