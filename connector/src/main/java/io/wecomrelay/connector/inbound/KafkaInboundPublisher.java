package io.wecomrelay.connector.inbound;

import java.time.Duration;

import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.Topics;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;

/** Publishes to {@code wecom.inbound}, keyed by bot id like ingress, and waits for the broker's ack. */
public final class KafkaInboundPublisher implements InboundPublisher {

    private final KafkaTemplate<String, RelayEvent> kafka;
    private final Duration timeout;

    public KafkaInboundPublisher(KafkaTemplate<String, RelayEvent> kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> publish(MessageReceived event) {
        return Mono.fromFuture(() -> kafka.send(Topics.INBOUND.name(), event.botId(), event)).timeout(timeout).then();
    }
}
