package io.wecomrelay.ingress.publish;

import io.wecomrelay.schemas.event.MessageReceived;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@code relay.ingress.publisher=none}: publishes nothing, so the benchmark can measure the same
 * endpoint without durability (issue 8's baseline). Every message it "accepts" is lost; never use it
 * in production.
 */
public final class DiscardingInboundPublisher implements InboundPublisher {

    /** Says at start, once, that every message will be lost. */
    public DiscardingInboundPublisher() {
        LoggerFactory.getLogger(DiscardingInboundPublisher.class).warn("relay.ingress.publisher=none: callbacks are "
                + "answered but NOT published to Kafka and no stream marker is written; every message is LOST. This is "
                + "the benchmark's no-durability baseline, never a production setting.");
    }

    @Override
    public Mono<Void> publish(MessageReceived event) {
        return Mono.empty();
    }
}
