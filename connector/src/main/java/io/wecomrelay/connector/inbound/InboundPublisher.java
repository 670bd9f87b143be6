package io.wecomrelay.connector.inbound;

import io.wecomrelay.schemas.event.MessageReceived;
import reactor.core.publisher.Mono;

/** Makes an inbound event durable: completes once the broker acknowledged it (acks=all). */
@FunctionalInterface
public interface InboundPublisher {

    Mono<Void> publish(MessageReceived event);
}
