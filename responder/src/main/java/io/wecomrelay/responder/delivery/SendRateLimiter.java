package io.wecomrelay.responder.delivery;

import reactor.core.publisher.Mono;

/** Paces sends per bot. Callers wait for a permit instead of dropping the send. */
interface SendRateLimiter {

    /** Completes with a permit when the bot may send one message; never errors because of the limit itself. */
    Mono<Permit> acquire(String botId);

    /** One granted send. */
    interface Permit {

        /**
         * Called when the send was answered (or failed in transport): the permit now counts from this
         * moment. Never errors; if the stamp cannot be written the permit counts from its grant.
         */
        Mono<Void> used();
    }
}
