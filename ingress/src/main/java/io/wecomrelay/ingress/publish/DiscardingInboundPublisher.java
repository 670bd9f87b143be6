package io.wecomrelay.ingress.publish;

import io.wecomrelay.schemas.event.MessageReceived;
import reactor.core.publisher.Mono;

/**
 * {@code relay.ingress.publisher=none}: publishes nothing, so the benchmark can measure the same
 * endpoint without durability (issue 8's baseline). Every message it "accepts" is lost; never use it
 * in production.
 */
public final class DiscardingInboundPublisher implements InboundPublisher {

    @Override
    public Mono<Void> publish(MessageReceived event) {
        return Mono.empty();
    }
}
