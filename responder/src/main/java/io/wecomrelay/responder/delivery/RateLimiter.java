package io.wecomrelay.responder.delivery;

import reactor.core.publisher.Mono;

/** Paces sends per bot. Callers wait for a permit instead of dropping the send. */
public interface RateLimiter {

    /** Completes when the bot may send one message; never errors because of the limit itself. */
    Mono<Void> acquire(String botId);
}
