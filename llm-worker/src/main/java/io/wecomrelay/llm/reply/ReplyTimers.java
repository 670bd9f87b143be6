package io.wecomrelay.llm.reply;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The clock and timers of reply sessions. A flush (the coalesce interval, 150 ms) is set on the scheduler, to the
 * millisecond. The watches, the idle timeout and the deadline (a minute and more), are set on the timer wheel and fire
 * up to one tick late (Lettuce's: 100 ms): every reply sets and cancels both and almost none lets one fire, and on the
 * wheel that is a queue operation each, where the scheduler's queue took a lock and woke its thread whenever the
 * watch became its earliest. A watch that fires runs on the scheduler: finishing a reply publishes its last chunk and
 * calls Dify's stop, work that must not hold the wheel's one thread (Lettuce times its commands out on it).
 *
 * @param scheduler the clock ({@link #now()}, epoch milliseconds), the flushes, and where watches run; virtual in
 *                  tests
 * @param wheel     where watches are set: Lettuce's command timer ({@code ClientResources.timer()})
 */
public record ReplyTimers(Scheduler scheduler, Timer wheel) {

    long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    Disposable flush(Runnable task, long delayMillis) {
        return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    Disposable watch(Runnable task, long delayMillis) {
        Timeout watch = wheel.newTimeout(fired -> runOnScheduler(task), delayMillis, TimeUnit.MILLISECONDS);
        return watch::cancel;
    }

    private void runOnScheduler(Runnable task) {
        try {
            scheduler.schedule(task);
        } catch (RejectedExecutionException e) {
            // the scheduler is shut down (the worker is stopping): the reply still gets its last chunk
            task.run();
        }
    }
}
