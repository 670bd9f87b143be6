package io.wecomrelay.ingress.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.util.Timer;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.reactive.WheelTimeout;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Publishes to the inbound topic keyed by bot id, with acks=all and idempotence (see
 * application.yaml), and waits for the ack up to a deadline, timed on a timer wheel ({@link WheelTimeout}). The
 * returned Mono completes on the producer's I/O thread, or fails on it or on the wheel's: callers must move their
 * continuation off both.
 */
public final class KafkaInboundPublisher implements InboundPublisher {

    private final KafkaTemplate<String, RelayEvent> kafka;
    private final String topic;
    private final Duration timeout;
    private final Timer wheel;

    /** @param wheel where each publish's deadline is set: Lettuce's command timer, which ticks anyway */
    public KafkaInboundPublisher(KafkaTemplate<String, RelayEvent> kafka, String topic, Duration timeout, Timer wheel) {
        this.kafka = kafka;
        this.topic = topic;
        this.timeout = timeout;
        this.wheel = wheel;
    }

    @Override
    public Mono<Void> publish(MessageReceived event) {
        // send() can block while it fetches metadata or waits for buffer space, and even when it does not, it
        // takes monitors the producer's I/O thread holds (the accumulator's deques, the selector's wakeup lock):
        // called on Netty's threads it stalled them for 10-40 ms at a time under load (JFR, ingress benchmark).
        var sent = Mono.deferContextual(context -> Mono.fromFuture(() -> kafka.send(record(event, context))))
                .subscribeOn(Schedulers.boundedElastic());
        return WheelTimeout.bound(sent, wheel, timeout)
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
