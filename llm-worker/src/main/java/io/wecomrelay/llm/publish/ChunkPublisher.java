package io.wecomrelay.llm.publish;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes reply chunks to {@code wecom.chunks}, keyed by stream id, with the trace id and event
 * type headers. Callers send one chunk after the previous one was acknowledged, which keeps a
 * stream's chunks in order even across producer retries.
 */
public final class ChunkPublisher {

    private final KafkaTemplate<String, RelayEvent> template;
    private final String topic;

    public ChunkPublisher(KafkaTemplate<String, RelayEvent> template, String topic) {
        this.template = template;
        this.topic = topic;
    }

    /** Completes when Kafka acknowledged the chunk (acks=all); fails when it could not be written. */
    public Mono<Void> publish(ReplyChunk chunk) {
        return Mono.fromFuture(() -> template.send(record(chunk)))
                // send() can block on metadata or a full buffer: keep that off event-loop threads
                .subscribeOn(Schedulers.boundedElastic())
                .then();
    }

    private ProducerRecord<String, RelayEvent> record(ReplyChunk chunk) {
        var record = new ProducerRecord<String, RelayEvent>(topic, chunk.streamId(), chunk);
        record.headers().add(EventHeaders.TRACE_ID, chunk.meta().traceId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, ReplyChunk.TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
