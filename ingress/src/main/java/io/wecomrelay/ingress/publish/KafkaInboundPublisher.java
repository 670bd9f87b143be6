package io.wecomrelay.ingress.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Publishes to the inbound topic keyed by bot id, with acks=all and idempotence (see
 * application.yaml), and waits for the ack up to a deadline. The returned Mono completes on the
 * producer's I/O thread: callers must move their continuation off it.
 */
public final class KafkaInboundPublisher implements InboundPublisher {

    private final KafkaTemplate<String, RelayEvent> kafka;
    private final String topic;
    private final Duration timeout;

    public KafkaInboundPublisher(KafkaTemplate<String, RelayEvent> kafka, String topic, Duration timeout) {
        this.kafka = kafka;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> publish(MessageReceived event) {
        // send() can block while it fetches metadata or waits for buffer space, and even when it does not, it
        // takes monitors the producer's I/O thread holds (the accumulator's deques, the selector's wakeup lock):
        // called on Netty's threads it stalled them for 10-40 ms at a time under load (JFR, ingress benchmark).
        return Mono.deferContextual(context -> Mono.fromFuture(() -> kafka.send(record(event, context))))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(timeout)
                .onErrorMap(e -> new PublishFailedException("inbound publish failed: " + e.getClass().getSimpleName(), e))
                .then();
    }

    /** With the traceparent of ingress's span (in the context), else one continuing the event's trace id. */
    private ProducerRecord<String, RelayEvent> record(MessageReceived event, ContextView context) {
        var record = new ProducerRecord<String, RelayEvent>(topic, event.botId(), event);
        TraceHeaders.carry(record.headers(), context.getOrDefault(RelayTracing.CONTEXT_KEY, null), event.meta().traceId());
        record.headers().add(EventHeaders.EVENT_TYPE, MessageReceived.TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
