package io.wecomrelay.responder.outbox;

import reactor.core.publisher.Flux;

/**
 * Which bots just had a delivery job queued, on any instance: lets the bot's worker poll at once instead of at its
 * next {@code poll-interval}. A hint only: a signal lost (Redis restarting, this instance not subscribed yet) delays
 * the job until that poll, and never loses it.
 */
public interface OutboxSignals {

    /** Bot ids, one per queued job, for as long as the subscription lasts. */
    Flux<String> botsWithNewJobs();

    /** No signals: every job waits for its bot's next poll. */
    static OutboxSignals none() {
        return Flux::never;
    }
}
