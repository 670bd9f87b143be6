package io.wecomrelay.support.bots;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a {@link BotsFile} for changes every {@code interval} on a daemon thread of its own, so no
 * service needs a scheduler for it. A Spring bean of this type is stopped by {@link #close()} with its
 * context.
 */
public final class BotsFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BotsFileWatcher.class);

    private final ScheduledExecutorService scheduler;

    private BotsFileWatcher(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public static BotsFileWatcher start(BotsFile bots, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the bots file check interval must be positive, got " + interval);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "bots-file-watcher");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> check(bots), millis, millis, TimeUnit.MILLISECONDS);
        return new BotsFileWatcher(scheduler);
    }

    // An exception escaping a scheduled task would cancel every later check.
    private static void check(BotsFile bots) {
        try {
            bots.reloadIfChanged();
        } catch (RuntimeException e) {
            log.error("checking the bots file failed: {}", e.getClass().getName());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
