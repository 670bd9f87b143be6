package io.wecomrelay.responder.kafka;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.kafka.core.KafkaOperations;

/** Writes the responder's audit events ({@code wecom.deliveries}, {@code wecom.replies}) with the headers every service writes. */
public final class EventPublisher {

    private EventPublisher() {
    }

    /**
     * Completes when the broker acknowledged the record; errors when it could not be written.
     *
     * @param type the event's {@code type}, for the {@code event-type} header
     */
    public static Mono<Void> send(KafkaOperations<String, Object> kafka, String topic, String key, RelayEvent event,
                                  String type) {
        var record = new ProducerRecord<String, Object>(topic, key, event);
        // the event's trace; the outbox and Redis keep no span to continue, so its parent is unnamed
        TraceHeaders.carry(record.headers(), null, event.meta().traceId());
        record.headers().add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        return Mono.fromFuture(() -> kafka.send(record))
                // send() may block for metadata; never on the producer's own network thread (where the
                // previous record's future completes), which would wait for itself until max.block.ms
                .subscribeOn(Schedulers.boundedElastic())
                .then();
    }
}
