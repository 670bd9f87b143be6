package io.wecomrelay.ingress.publish;

import io.wecomrelay.schemas.event.MessageReceived;
import reactor.core.publisher.Mono;

/** Makes a received callback durable. Completes only after the broker acknowledged it. */
public interface InboundPublisher {

    /** Errors with {@link PublishFailedException} when the message is not known to be durable. */
    Mono<Void> publish(MessageReceived event);
}
