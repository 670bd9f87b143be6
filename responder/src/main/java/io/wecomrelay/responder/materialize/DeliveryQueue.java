package io.wecomrelay.responder.materialize;

import java.util.Optional;

import io.wecomrelay.schemas.event.RelayEvent;

/** Decides whether a finished reply is delivered actively, and where it is queued. */
@FunctionalInterface
public interface DeliveryQueue {

    /**
     * A ticket when the bot's replies are delivered actively ({@code response_url}, {@code webhook});
     * empty for streaming bots and unknown bots.
     *
     * @param source the event that may finish the stream (a last chunk or a rejection)
     */
    Optional<DeliveryTicket> ticketFor(String sourceTopic, RelayEvent source);

    /**
     * Whether the bot can send the part of an answer its stream does not take in later messages (response_url,
     * webhook, app message); when not, a long answer is cut at the stream's limit.
     */
    default boolean continues(RelayEvent source) {
        return false;
    }
}
