package io.wecomrelay.responder.outbox;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Announcements that jobs were queued, from whichever instance queued them, so that the holder of a bot's lease
 * polls its outbox at once instead of at its next {@code poll-interval}. Best effort: an announcement lost (Redis
 * restarting, a subscription being renewed) only delays the job until that poll.
 */
@FunctionalInterface
public interface OutboxSignals {

    /** Never announces anything: every outbox is found by its polls alone. */
    OutboxSignals NONE = Flux::never;

    /**
     * The announcements from the moment of subscribing: a {@link Signal#everyBot()} whenever announcements start
     * (again), since jobs may have been queued unannounced before, then one signal per queued job.
     */
    Flux<Signal> signals();

    /** Wake the worker of {@code botId}, or, with no bot id, every worker. */
    record Signal(@Nullable String botId) {

        private static final Signal EVERY_BOT = new Signal(null);

        static Signal everyBot() {
            return EVERY_BOT;
        }

        static Signal newJob(String botId) {
            return new Signal(botId);
        }
    }
}
