package io.wecomrelay.connector.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;

/**
 * Publishes to {@code wecom.inbound}, keyed by bot id like ingress, with the {@code traceparent} and {@code event-type}
 * headers, and waits for the broker's ack.
 */
public final class KafkaInboundPublisher implements InboundPublisher {

    private final KafkaTemplate<String, RelayEvent> kafka;
    private final Duration timeout;

    public KafkaInboundPublisher(KafkaTemplate<String, RelayEvent> kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> publish(MessageReceived event) {
        return Mono.deferContextual(context -> Mono.fromFuture(() -> kafka.send(record(event,
                        context.getOrDefault(RelayTracing.CONTEXT_KEY, null)))))
                .timeout(timeout)
                .then();
    }

    /** With the traceparent of the connector's span, else one continuing the event's trace id. */
    private static ProducerRecord<String, RelayEvent> record(MessageReceived event, @Nullable String traceparent) {
        var record = new ProducerRecord<String, RelayEvent>(Topics.INBOUND.name(), event.botId(), event);
        TraceHeaders.carry(record.headers(), traceparent, event.meta().traceId());
        record.headers().add(EventHeaders.EVENT_TYPE, MessageReceived.TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
